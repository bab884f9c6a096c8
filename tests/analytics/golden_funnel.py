"""A small funnel whose stages, conversions and velocities are computed by hand in
tests/analytics/test_funnel_kpis.py (JPY, Asia/Tokyo: JST = UTC + 9, so a local day starts
at 15:00 UTC the day before). Observed on 2026-03-01 unless a test says otherwise.

January 2025 cohort (6 leads):
lead  came in (JST)   source   qualified (JST)           deal(s)                         account
L1    Jan 6 08:00     web      qualified_at Jan 10;      D1 opened Jan 12, won Feb 14    A
      (Jan 5 23:00 UTC)        D1 opened later
L2    Jan 31 23:30    seminar  D2 opened Feb 3           D2 names no lead: a new-        B
                                                         business deal of its account,
                                                         won Feb 20
L3    Jan 15 09:00    web      D3 opened Jan 17 (before  D3 won Apr 18 (account C; the   —
                               its qualified_at Jan 20)  lead has none of its own)
L4    Jan 20 10:00    ads      qualified_at Jan 22       D4 lost Mar 1                   —
L5    Jan 25 10:00    ads      —                         —                               —
L6    Jan 2 08:00     web      —                         D6 of F names no lead, but is   F
      (Jan 1 23:00 UTC)                                  an expansion deal: not L6's

February 2025 cohort (2 leads):
L7    Feb 1 00:30     web      D7 opened Feb 5           D7 (proposal, open)             —
      (Jan 31 15:30 UTC)
L8    Feb 10 10:00    ads      qualified_at Feb 12       D8 opened Feb 12, won Feb 25;   G
                                                         D9 (expansion, no lead) won
                                                         Oct 1

Accounts after the win: contracts are monthly; first value is a first-value milestone.
A  10,000 from 2025-03-01 to Aug 31, 15,000 from Sep 1 (renews); first value Mar 20 07:00 JST
   (Mar 19 22:00 UTC) → started paying Mar 1 at 10,000; 2026-02-14: 15,000 (expanded)
B  10,000 from 2025-03-10, cancelled Dec 31; no first value → 2026-02-20: 0 (not retained)
C  20,000 from 2025-05-01 (renews); first value May 11 → its 12 months end 2026-04-18,
   after the observation day (not matured)
G  30,000 from 2025-03-01 (renews); no first value → 2026-02-25: 30,000 as at the start, but
   D9 won in those 12 months (expanded)
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import DealKind, DealStage, SubscriptionStatus
from kasasu.models import Account, Deal, Lead, Milestone
from tests.analytics.golden_voice import add_line, utc

PLANS = {"A": "Pro", "B": "Starter", "C": "Pro", "F": "Starter", "G": "Starter"}


def _lead(
    session: Session,
    name: str,
    came: datetime,
    source: str,
    *,
    qualified: datetime | None = None,
    account_id: int | None = None,
) -> int:
    lead = Lead(
        external_id=name,
        company_name=f"{name}株式会社",
        source=source,
        created_at=came,
        qualified_at=qualified,
        account_id=account_id,
    )
    session.add(lead)
    session.flush()
    return lead.id


def _deal(
    session: Session,
    name: str,
    opened: date,
    stage: DealStage,
    *,
    closed: date | None = None,
    lead_id: int | None = None,
    account_id: int | None = None,
    kind: DealKind = DealKind.NEW,
) -> None:
    session.add(
        Deal(
            external_id=name,
            name=f"商談{name}",
            stage=stage,
            amount=120_000,
            currency="JPY",
            kind=kind,
            created_on=opened,
            closed_on=closed,
            lead_id=lead_id,
            account_id=account_id,
        )
    )
    session.flush()


def _first_value(session: Session, account_id: int, done: datetime) -> None:
    session.add(
        Milestone(
            external_id=f"FV{account_id}",
            account_id=account_id,
            plan="Standard",
            name="初回レポート作成",
            is_first_value=True,
            done_at=done,
        )
    )
    session.flush()


def add_funnel(session: Session) -> dict[str, int]:
    """The leads, deals, contracts and first values above; the accounts' ids by name."""
    ids: dict[str, int] = {}
    for name, plan in PLANS.items():
        account = Account(external_id=name, name=f"株式会社{name}", plan=plan, custom_fields={})
        session.add(account)
        session.flush()
        ids[name] = account.id
    won, lost, proposal = DealStage.WON, DealStage.LOST, DealStage.PROPOSAL
    l1 = _lead(session, "L1", utc(2025, 1, 5, 23), "web", qualified=utc(2025, 1, 10, 1),
               account_id=ids["A"])  # fmt: skip
    _deal(session, "D1", date(2025, 1, 12), won, closed=date(2025, 2, 14), lead_id=l1,
          account_id=ids["A"])  # fmt: skip
    _lead(session, "L2", utc(2025, 1, 31, 14, 30), "seminar", account_id=ids["B"])
    _deal(session, "D2", date(2025, 2, 3), won, closed=date(2025, 2, 20), account_id=ids["B"])
    l3 = _lead(session, "L3", utc(2025, 1, 15), "web", qualified=utc(2025, 1, 20))
    _deal(session, "D3", date(2025, 1, 17), won, closed=date(2025, 4, 18), lead_id=l3,
          account_id=ids["C"])  # fmt: skip
    l4 = _lead(session, "L4", utc(2025, 1, 20, 1), "ads", qualified=utc(2025, 1, 22, 1))
    _deal(session, "D4", date(2025, 1, 22), lost, closed=date(2025, 3, 1), lead_id=l4)
    _lead(session, "L5", utc(2025, 1, 25, 1), "ads")
    _lead(session, "L6", utc(2025, 1, 1, 23), "web", account_id=ids["F"])
    _deal(session, "D6", date(2025, 2, 1), won, closed=date(2025, 3, 10), account_id=ids["F"],
          kind=DealKind.EXPANSION)  # fmt: skip
    l7 = _lead(session, "L7", utc(2025, 1, 31, 15, 30), "web")
    _deal(session, "D7", date(2025, 2, 5), proposal, lead_id=l7)
    l8 = _lead(session, "L8", utc(2025, 2, 10, 1), "ads", qualified=utc(2025, 2, 12, 1))
    _deal(session, "D8", date(2025, 2, 12), won, closed=date(2025, 2, 25), lead_id=l8,
          account_id=ids["G"])  # fmt: skip
    _deal(session, "D9", date(2025, 9, 1), won, closed=date(2025, 10, 1), account_id=ids["G"],
          kind=DealKind.EXPANSION)  # fmt: skip
    ended, cancelled = SubscriptionStatus.ENDED, SubscriptionStatus.CANCELLED
    add_line(session, ids["A"], 10_000, date(2025, 3, 1), status=ended, end=date(2025, 8, 31))
    add_line(session, ids["A"], 15_000, date(2025, 9, 1))
    add_line(session, ids["B"], 10_000, date(2025, 3, 10), status=cancelled,
             cancelled=date(2025, 12, 31))  # fmt: skip
    add_line(session, ids["C"], 20_000, date(2025, 5, 1))
    add_line(session, ids["G"], 30_000, date(2025, 3, 1))
    _first_value(session, ids["A"], utc(2025, 3, 19, 22))
    _first_value(session, ids["C"], utc(2025, 5, 11, 1))
    return ids
