"""A small book whose home page is worked out by hand (tests/workspace/test_home.py).

TODAY 2026-02-10 (Tokyo). Latest refresh DAY 2026-02-08; the day compared with is the latest
refresh on or before DAY − 7 = 2026-02-01 (BEFORE). Aoki and Baba are CSMs.

account owner  BEFORE        DAY             → worsened?
H1      Aoki   green         red 30          yes (red, a week ago green)
H2      Aoki   green         yellow 55       yes
H3      Aoki   yellow        yellow 60       no (same band)
H4      Aoki   (not scored)  red 20          yes (red, not scored before)
H5      Baba   yellow        red 35          yes, Baba's
H6      Aoki   red           green 80        no (better)
H7      Aoki   unknown       yellow 65       yes (not enough data is no concern)
Order: red by score (H4 20, H1 30, H5 35), then yellow (H2 55, H7 65).
H1's measures: usage events (30 days) at 0 points, weight 2, costs 66.7; MRR at 50 points,
weight 1, costs 16.7 → the reason is usage events. H1 renews in 20 days from DAY: 2026-02-28.

Renewals (yearly lines, not decided): H1 ends 2026-02-28 (¥1,200,000/yr: MRR ¥100,000), H3
ends 2026-04-20 (¥600,000/yr: ¥50,000), H5 ends 2026-03-01 (¥2,400,000/yr: ¥200,000); H6 ends
2026-06-30 (beyond 90 days). 30 days: H1, H5; 90 days: H1, H3, H5.

Open tasks (owner = the task's): Aoki T1 due 02-08 (overdue), T2 due 02-16 (the last day of
the week, listed), T3 due 02-17 (not), T4 no due date (not), T5 a playbook's due 02-09
(overdue, listed with the playbooks'), T6 done and overdue (ignored); Baba T7 due 02-10.
Aoki: overdue 2 (T1, T5), due this week 2 (T1, T2), playbook 1. Baba: 0, 1, 0.

Answers since 2026-02-04 00:00 Tokyo (2026-02-03 15:00 UTC): unhappy are NPS 0–6 and CSAT
1–3. Aoki's accounts: H1 NPS 3 on 02-09, H2 CSAT 2 on 02-05, H1 NPS 6 at 02-03 16:00 UTC
(inside by an hour); not: H1 NPS 2 at 02-03 14:00 UTC (before), H3 NPS 7 (passive), H3 CES 1
(no unhappy side). Baba: H5 NPS 0 on 02-08.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    BillingInterval,
    Role,
    SubscriptionStatus,
    SurveyKind,
    TaskSource,
    TaskStatus,
)
from kasasu.models import Account, Subscription, SurveyResponse, Task
from tests.health.touch_data import snapshot, user

TODAY = date(2026, 2, 10)
DAY = date(2026, 2, 8)
BEFORE = date(2026, 2, 1)
H1_MEASURES = [
    {"metric": "events_30d", "value": 0, "points": 0, "weight": 2, "contribution": 0.0},
    {"metric": "mrr", "value": 100_000, "points": 50, "weight": 1, "contribution": 50 / 3},
]


def add_home_book(session: Session) -> dict[str, int]:
    """The book above; returns account, user and task ids by name."""
    ids = {
        "Aoki": user(session, "Aoki"),
        "Baba": user(session, "Baba"),
        "Lead": user(session, "Lead", Role.LEADER),
    }
    for n in range(1, 8):
        owner = "Baba" if n == 5 else "Aoki"
        account = Account(
            external_id=f"H{n}", name=f"株式会社H{n}", owner_id=ids[owner], custom_fields={}
        )
        session.add(account)
        session.flush()
        ids[f"H{n}"] = account.id
    before = {"H1": "green", "H2": "green", "H3": "yellow", "H5": "yellow", "H6": "red",
              "H7": "unknown"}  # fmt: skip
    for name, band in before.items():
        score = None if band == "unknown" else {"green": 80.0, "yellow": 55.0, "red": 30.0}[band]
        snapshot(session, BEFORE, ids[name], None, 0, band, score)
    now = [("H1", "red", 30.0), ("H2", "yellow", 55.0), ("H3", "yellow", 60.0),
           ("H4", "red", 20.0), ("H5", "red", 35.0), ("H6", "green", 80.0),
           ("H7", "yellow", 65.0)]  # fmt: skip
    for name, band, score in now:
        h1 = name == "H1"
        snapshot(session, DAY, ids[name], None, 100_000 if h1 else 10_000, band, score,
                 measures=H1_MEASURES if h1 else None,
                 days_to_renewal=20 if h1 else None)  # fmt: skip
    for name, end, amount in [("H1", date(2026, 2, 28), 1_200_000),
                              ("H3", date(2026, 4, 20), 600_000),
                              ("H5", date(2026, 3, 1), 2_400_000),
                              ("H6", date(2026, 6, 30), 1_200_000)]:  # fmt: skip
        session.add(
            Subscription(
                external_id=f"S-{name}",
                account_id=ids[name],
                product="Kasasu",
                plan="pro",
                amount=amount,
                currency="JPY",
                billing_interval=BillingInterval.YEAR,
                start_date=date(end.year - 1, end.month, 1),
                end_date=end,
                term_months=12,
                status=SubscriptionStatus.ACTIVE,
            )
        )
    tasks = [
        ("T1", "Aoki", "H1", date(2026, 2, 8), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T2", "Aoki", "H2", date(2026, 2, 16), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T3", "Aoki", "H2", date(2026, 2, 17), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T4", "Aoki", None, None, TaskStatus.OPEN, TaskSource.MANUAL),
        ("T5", "Aoki", "H4", date(2026, 2, 9), TaskStatus.OPEN, TaskSource.PLAYBOOK),
        ("T6", "Aoki", "H1", date(2026, 1, 9), TaskStatus.DONE, TaskSource.MANUAL),
        ("T7", "Baba", "H5", date(2026, 2, 10), TaskStatus.OPEN, TaskSource.MANUAL),
    ]
    for name, owner, account, due, status, source in tasks:
        task = Task(
            title=f"task {name}", owner_id=ids[owner], account_id=ids[account] if account else None,
            due_date=due, status=status, source=source,
        )  # fmt: skip
        session.add(task)
        session.flush()
        ids[name] = task.id
    answers = [
        ("A1", "H1", SurveyKind.NPS, 3, datetime(2026, 2, 9, 3, tzinfo=UTC)),
        ("A2", "H2", SurveyKind.CSAT, 2, datetime(2026, 2, 5, 3, tzinfo=UTC)),
        ("A3", "H1", SurveyKind.NPS, 6, datetime(2026, 2, 3, 16, tzinfo=UTC)),
        ("A4", "H1", SurveyKind.NPS, 2, datetime(2026, 2, 3, 14, tzinfo=UTC)),
        ("A5", "H3", SurveyKind.NPS, 7, datetime(2026, 2, 9, 3, tzinfo=UTC)),
        ("A6", "H3", SurveyKind.CES, 1, datetime(2026, 2, 9, 3, tzinfo=UTC)),
        ("A7", "H5", SurveyKind.NPS, 0, datetime(2026, 2, 8, 3, tzinfo=UTC)),
    ]
    for name, account, kind, score, at in answers:
        row = SurveyResponse(external_id=name, account_id=ids[account], kind=kind, score=score,
                             comment=f"comment {name}", answered_at=at)  # fmt: skip
        session.add(row)
        session.flush()
        ids[name] = row.id
    return ids
