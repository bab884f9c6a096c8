"""A small customer base whose health features are computed by hand (as of 2026-02-01 JST).

As of 2026-02-01 in Asia/Tokyo = 2026-01-31 15:00 UTC; windows are whole JST days before it:
7 days = [Jan 25, Feb 1), 30 days = [Jan 2, Feb 1), the 30 before = [Dec 3, Jan 2),
90 days = [Nov 3, Feb 1) (JST).

H1  monthly ¥30,000, 10 seats, since 2025-06-01 (245 days), renews 2026-02-20 (19 days);
    events (UTC → JST day):
      e1 u1 login  Jan 31 10:00 → Jan 31   (7, 30, 90 days)
      e2 u2 report Jan 20 03:00 → Jan 20   (30, 90)
      e3 u1 login  Jan 20 05:00 → Jan 20   (30, 90)
      e4 u1 login  Dec 20 03:00 → Dec 20   (the 30 before; 90)
      e5 u3 export Nov 10 03:00 → Nov 10   (90)
      e6 u1 login  Jan 31 15:00 → Feb 1    (on the day itself: not yet)
    → 7d 1, 30d 3, 90d 5, trend 3 ÷ 1 − 1 = 2.0, users {u1, u2} = 2, features {login,
      report} = 2, DAU/MAU (Jan 31 {u1} + Jan 20 {u1, u2}) = 3 ÷ (30 × 2) = 0.05, last event
      5 hours before → 1 day, seats 2 ÷ 10 = 0.2.
    tickets: T1 Jan 10, answered in 2.5 h, open, escalated; T2 Jan 5, 1 h, resolved Jan 6;
      T3 Jan 25, 4 h, resolved Feb 5 (open on the day); T4 opened Feb 3 (later)
      → open 2, escalated 1, median first response of (2.5, 1, 4) = 2.5 h.
    NPS 6 (Dec 1), 9 (Jan 15), 3 (Feb 2, later) → 9; CSAT 4 (Jan 10) → 4.
    milestones: done Jan 5; done Jan 31 16:00 UTC (after the day began); not done → 1 ÷ 3.
      Due Jan 10, Jan 25 (the first-value one), Feb 1 (the day itself: not yet overdue)
      → 1 overdue; first value 7 days past its due date (Jan 25 → Feb 1).
    activities: webinar Jan 12, note Jan 13, community post 2025-10-01 (too old) → 1.
    custom field nps_goal = 9 → feature custom.nps_goal; region (text) is not a feature.
H2  monthly ¥10,000 since 2025-12-15 (48 days), no seats, no end date, nothing else:
    0 events → never used, 48 days without use since the contract started; no trend,
    DAU/MAU, seats, NPS, CSAT, onboarding (nor overdue milestones), renewal; MRR 90 days
    before was 0 → no MRR change.
H3  cancelled on 2026-01-10: not paying on the day, so no features.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    ActivityKind,
    BillingInterval,
    Priority,
    SubscriptionStatus,
    SurveyKind,
    TicketStatus,
)
from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import append_events
from kasasu.models import Account, Activity, Milestone, Subscription, SurveyResponse, Ticket
from tests.analytics.golden_voice import utc

AS_OF = date(2026, 2, 1)

EVENTS: list[tuple[str, str | None, str, datetime]] = [
    ("H1", "u1", "login", utc(2026, 1, 31, 10)),
    ("H1", "u2", "report", utc(2026, 1, 20, 3)),
    ("H1", "u1", "login", utc(2026, 1, 20, 5)),
    ("H1", "u1", "login", utc(2025, 12, 20, 3)),
    ("H1", "u3", "export", utc(2025, 11, 10, 3)),
    ("H1", "u1", "login", utc(2026, 1, 31, 15)),
]


def write_health_events(path: Path) -> Path:
    table = pa.table(
        {
            "event_id": [f"h{n}" for n in range(len(EVENTS))],
            "account_external_id": [a for a, _u, _n, _t in EVENTS],
            "user_id": [u for _a, u, _n, _t in EVENTS],
            "event_name": [n for _a, _u, n, _t in EVENTS],
            "occurred_at": [t for _a, _u, _n, t in EVENTS],
            "value": [None] * len(EVENTS),
            "properties": ["{}"] * len(EVENTS),
        },
        schema=BATCH_SCHEMA,
    )
    append_events(path, table)
    return path


def _line(
    account_id: int,
    n: int,
    amount: int,
    start: date,
    *,
    seats: int | None = None,
    end: date | None = None,
    cancelled: date | None = None,
) -> Subscription:
    return Subscription(
        external_id=f"HS{n}",
        account_id=account_id,
        product="Core",
        seats=seats,
        amount=amount,
        currency="JPY",
        billing_interval=BillingInterval.MONTH,
        start_date=start,
        end_date=end,
        auto_renew=cancelled is None,
        status=SubscriptionStatus.CANCELLED if cancelled else SubscriptionStatus.ACTIVE,
        cancelled_on=cancelled,
    )


def add_health_base(session: Session) -> dict[str, int]:
    ids: dict[str, int] = {}
    custom = {"H1": {"nps_goal": 9, "region": "関東"}, "H2": {}, "H3": {}}
    for name, fields in custom.items():
        account = Account(
            external_id=name, name=f"株式会社{name}", plan="Pro", custom_fields=fields
        )
        session.add(account)
        session.flush()
        ids[name] = account.id
    h1, h2, h3 = ids["H1"], ids["H2"], ids["H3"]
    session.add_all(
        [
            _line(h1, 1, 30_000, date(2025, 6, 1), seats=10, end=date(2026, 2, 20)),
            _line(h2, 2, 10_000, date(2025, 12, 15)),
            _line(h3, 3, 20_000, date(2025, 6, 1), cancelled=date(2026, 1, 10)),
        ]
    )
    tickets = [
        (utc(2026, 1, 10), utc(2026, 1, 10, 2, 30), None, True),
        (utc(2026, 1, 5), utc(2026, 1, 5, 1), utc(2026, 1, 6), False),
        (utc(2026, 1, 25), utc(2026, 1, 25, 4), utc(2026, 2, 5), False),
        (utc(2026, 2, 3), None, None, False),
    ]
    for n, (opened, answered, resolved, escalated) in enumerate(tickets):
        session.add(
            Ticket(
                external_id=f"HT{n}",
                account_id=h1,
                subject="問い合わせ",
                opened_at=opened,
                first_response_at=answered,
                resolved_at=resolved,
                priority=Priority.NORMAL,
                status=TicketStatus.RESOLVED if resolved else TicketStatus.OPEN,
                escalated=escalated,
            )
        )
    answers = [
        (SurveyKind.NPS, 6, utc(2025, 12, 1)),
        (SurveyKind.NPS, 9, utc(2026, 1, 15)),
        (SurveyKind.NPS, 3, utc(2026, 2, 2)),
        (SurveyKind.CSAT, 4, utc(2026, 1, 10)),
    ]
    for n, (kind, score, at) in enumerate(answers):
        session.add(
            SurveyResponse(
                external_id=f"HR{n}", account_id=h1, kind=kind, score=score, answered_at=at
            )
        )
    milestones = [
        (utc(2026, 1, 5), date(2026, 1, 10), False),
        (utc(2026, 1, 31, 16), date(2026, 1, 25), True),
        (None, date(2026, 2, 1), False),
    ]
    for n, (done, due, first_value) in enumerate(milestones):
        session.add(
            Milestone(
                external_id=f"HM{n}",
                account_id=h1,
                plan="std",
                name=f"m{n}",
                position=n,
                done_at=done,
                due_date=due,
                is_first_value=first_value,
            )
        )
    activities = [
        (ActivityKind.WEBINAR, utc(2026, 1, 12)),
        (ActivityKind.NOTE, utc(2026, 1, 13)),
        (ActivityKind.COMMUNITY_POST, utc(2025, 10, 1)),
    ]
    for n, (kind, at) in enumerate(activities):
        session.add(
            Activity(external_id=f"HA{n}", account_id=h1, kind=kind, subject="s", occurred_at=at)
        )
    session.flush()
    return ids
