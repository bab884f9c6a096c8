"""Small data for the voice-of-customer KPIs (JPY, Asia/Tokyo), computed by hand in the tests.

Survey answers on account V1 (JST = UTC + 9; a month starts at 15:00 UTC the day before):
  Jan 2026  NPS 9, 10, 9, 10, 9 (5 promoters; the last at Jan 31 23:59:59 JST),
            7, 8, 7 (3 passives), 0, 6 (2 detractors)            → NPS 30, n 10
            CSAT 5, 4, 3, 1 → 2 of 4; CES 7, 5, 3 → 15 ÷ 3
  Feb 2026  NPS 3 (at Feb 1 00:00 JST), 9, 10, 9, 10              → NPS 60, n 5
  Mar 2026  none

Churn (MRR on Dec 31 → Jan 31 → Feb 28; end and cancellation dates are the last day of
service; the reason is that of the subscription cancelled last by the period's end):
  C1  10,000 → 0        cancelled Jan 20, price                         → January
  C2  35,000 → 0        5,000 cancelled Jan 5 (price), 30,000 cancelled Jan 25 (competitor)
  C3   8,000 → 8,000 → 0   ended Jan 31 without renewal, no cancellation → other, February
  C4  12,000 → 12,000 → 0  cancelled Jan 31 (paid through January), missing_features,
                           February
  C5  23,000 → 23,000   keeps paying; its 3,000 line is cancelled Mar 10 (price)

Loyalty (latest NPS before the period's end; first paid day; MRR on each month's last day):
  L1  10,000 since 2025-01-01, NPS 10 on Jan 10 2026                     → loyal Jan–Mar
  L2  10,000 since 2025-01-01, NPS 10 on Dec 1 2025, then 6 on Jan 20    → never
  L3  10,000 since 2025-03-01, NPS 9 on Dec 1 2025  → loyal from Feb (12 months by Feb 28)
  L4  20,000 since 2025-01-01 to Aug 31, 15,000 from 2025-09-01 (contraction in September),
      NPS 10 Dec 1 → not in Jan or Feb (their 6 months include September), loyal in March
  L5  as L1, but its latest health score (Dec 15) is red → never, unless health is dropped
Refreshes score every account on Dec 15 and on Mar 31: L1–L4 green and L5 red on both days,
but L3 yellow on Mar 31, March's last day: not loyal in March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    SubscriptionStatus,
    SurveyKind,
)
from kasasu.models import (
    Account,
    HealthScore,
    Scorecard,
    ScorecardVersion,
    Subscription,
    SurveyResponse,
)

ACTIVE, CANCELLED, ENDED = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.CANCELLED,
    SubscriptionStatus.ENDED,
)
R = CancellationReason


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]  # year, month, day, ... as ints


def add_accounts(session: Session, *names: str) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name in names:
        account = Account(external_id=name, name=f"株式会社{name}", plan="Pro", custom_fields={})
        session.add(account)
        session.flush()
        ids[name] = account.id
    return ids


def add_line(
    session: Session,
    account_id: int,
    amount: int,
    start: date,
    *,
    status: SubscriptionStatus = ACTIVE,
    end: date | None = None,
    cancelled: date | None = None,
    reason: CancellationReason | None = None,
) -> None:
    """A monthly line; an active one renews by itself."""
    n = session.query(Subscription).count()
    values: dict[str, Any] = {
        "external_id": f"SV{n}",
        "account_id": account_id,
        "product": "Core",
        "amount": amount,
        "currency": "JPY",
        "billing_interval": BillingInterval.MONTH,
        "start_date": start,
        "end_date": end,
        "auto_renew": status is ACTIVE,
        "status": status,
        "cancelled_on": cancelled,
        "cancel_reason": reason,
    }
    session.add(Subscription(**values))
    session.flush()


def add_answer(
    session: Session, account_id: int, kind: SurveyKind, score: int, at: datetime
) -> None:
    n = session.query(SurveyResponse).count()
    session.add(
        SurveyResponse(
            external_id=f"SR{n}", account_id=account_id, kind=kind, score=score, answered_at=at
        )
    )
    session.flush()


def add_answers(session: Session) -> None:
    [v1] = add_accounts(session, "V1").values()
    nps, csat, ces = SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES
    jan = [9, 10, 9, 10, 7, 8, 7, 0, 6]
    for day, score in enumerate(jan, start=2):
        add_answer(session, v1, nps, score, utc(2026, 1, day, 3))
    add_answer(session, v1, nps, 9, utc(2026, 1, 31, 14, 59, 59))  # Jan 31 23:59:59 JST
    add_answer(session, v1, nps, 3, utc(2026, 1, 31, 15))  # Feb 1 00:00 JST
    for day, score in enumerate([9, 10, 9, 10], start=2):
        add_answer(session, v1, nps, score, utc(2026, 2, day, 3))
    for day, score in enumerate([5, 4, 3, 1], start=2):
        add_answer(session, v1, csat, score, utc(2026, 1, day, 3))
    for day, score in enumerate([7, 5, 3], start=2):
        add_answer(session, v1, ces, score, utc(2026, 1, day, 3))


def add_churn(session: Session) -> dict[str, int]:
    ids = add_accounts(session, "C1", "C2", "C3", "C4", "C5")
    oct1, nov1 = date(2025, 10, 1), date(2025, 11, 1)

    def cancelled(name: str, amount: int, on: date, reason: CancellationReason) -> None:
        add_line(session, ids[name], amount, oct1, status=CANCELLED, cancelled=on, reason=reason)

    cancelled("C1", 10_000, date(2026, 1, 20), R.PRICE)
    cancelled("C2", 5_000, date(2026, 1, 5), R.PRICE)
    cancelled("C2", 30_000, date(2026, 1, 25), R.COMPETITOR)
    add_line(session, ids["C3"], 8_000, nov1, status=ENDED, end=date(2026, 1, 31))
    cancelled("C4", 12_000, date(2026, 1, 31), R.MISSING_FEATURES)
    add_line(session, ids["C5"], 20_000, oct1)
    cancelled("C5", 3_000, date(2026, 3, 10), R.PRICE)
    return ids


def add_loyalty(session: Session) -> dict[str, int]:
    ids = add_accounts(session, "L1", "L2", "L3", "L4", "L5")
    jan25 = date(2025, 1, 1)
    add_line(session, ids["L1"], 10_000, jan25)
    add_line(session, ids["L5"], 10_000, jan25)
    add_line(session, ids["L2"], 10_000, jan25)
    add_line(session, ids["L3"], 10_000, date(2025, 3, 1))
    add_line(session, ids["L4"], 20_000, jan25, status=CANCELLED, cancelled=date(2025, 8, 31))
    add_line(session, ids["L4"], 15_000, date(2025, 9, 1))
    nps = SurveyKind.NPS
    add_answer(session, ids["L1"], nps, 10, utc(2026, 1, 10, 3))
    add_answer(session, ids["L2"], nps, 10, utc(2025, 12, 1, 3))
    add_answer(session, ids["L2"], nps, 6, utc(2026, 1, 20, 3))
    add_answer(session, ids["L3"], nps, 9, utc(2025, 12, 1, 3))
    add_answer(session, ids["L4"], nps, 10, utc(2025, 12, 1, 3))
    add_answer(session, ids["L5"], nps, 10, utc(2026, 1, 10, 3))
    card = Scorecard(name="t", applies_to={}, priority=1)
    session.add(card)
    session.flush()
    version = ScorecardVersion(scorecard_id=card.id, version=1, definition={})
    session.add(version)
    session.flush()
    bands = [
        (name, day, "red" if name == "L5" else "green")
        for day in (date(2025, 12, 15), date(2026, 3, 31))
        for name in ("L1", "L2", "L3", "L4", "L5")
        if (name, day) != ("L3", date(2026, 3, 31))
    ]
    bands.append(("L3", date(2026, 3, 31), "yellow"))
    for name, day, band in bands:
        session.add(
            HealthScore(account_id=ids[name], as_of=day, scorecard_version_id=version.id,
                        score=50.0, band=band, measures=[])
        )  # fmt: skip
    session.flush()
    return ids
