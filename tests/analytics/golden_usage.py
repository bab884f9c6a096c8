"""Usage events on the golden base (tests/analytics/golden.py) and first-value milestones.

Active at Feb 1: A1..A6; at Mar 1 and Apr 1: A1, A3, A4, A5, A6 (A7 is only a trial).
Events (UTC; JST = UTC + 9). The 30 days before Feb 1 are Jan 2..31 JST, i.e.
[Jan 1 15:00, Jan 31 15:00) UTC; before Mar 1: Jan 30..Feb 28 JST.
  A1  u1 Jan 10 01:00 (Jan 10 JST), u2 Jan 10 14:30 (Jan 10 JST), u1 Jan 10 15:30 (Jan 11 JST)
  A3  u9 Jan 1 14:59:59 (Jan 1 JST: outside), u9 Jan 31 14:59:59 (Jan 31),
      u8 Jan 31 15:00 (Feb 1 JST)
  A4  one event without a user, Jan 15
  A7  u1 Jan 15 (not active)
  ZZ  an account Kasasu does not know

First value (accounts V1..V5; first contract = earliest non-trial line):
  V1  trial Dec 1 2025, paid Jan 1 2026; first value Jan 10 03:00 UTC (Jan 10 JST) → 9 days
  V2  paid Dec 20 2025; first value Jan 31 15:30 UTC = Feb 1 00:30 JST (Feb) → 43 days
  V3  paid Jan 3; first value Jan 14 14:59:59 UTC (Jan 14 JST) → 11 days; a later
      first-value milestone and an earlier ordinary one do not count
  V4  paid Jan 2; first value Jan 30 00:00 UTC → 28 days
  V5  paid Jan 2; first value not reached
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy.orm import Session

from kasasu.domain.choices import SubscriptionStatus
from kasasu.events.schemas import BATCH_SCHEMA
from kasasu.events.service import append_events
from kasasu.models import Milestone
from tests.analytics.golden_voice import add_accounts, add_line, utc

# (account external id, user id, occurred at)
EVENTS: list[tuple[str, str | None, datetime]] = [
    ("A1", "u1", utc(2026, 1, 10, 1)),
    ("A1", "u2", utc(2026, 1, 10, 14, 30)),
    ("A1", "u1", utc(2026, 1, 10, 15, 30)),
    ("A3", "u9", utc(2026, 1, 1, 14, 59, 59)),
    ("A3", "u9", utc(2026, 1, 31, 14, 59, 59)),
    ("A3", "u8", utc(2026, 1, 31, 15)),
    ("A4", None, utc(2026, 1, 15, 3)),
    ("A7", "u1", utc(2026, 1, 15, 3)),
    ("ZZ", "u1", utc(2026, 1, 15, 3)),
]


def write_events(path: Path) -> Path:
    table = pa.table(
        {
            "event_id": [f"e{n}" for n in range(len(EVENTS))],
            "account_external_id": [a for a, _u, _t in EVENTS],
            "user_id": [u for _a, u, _t in EVENTS],
            "event_name": ["login"] * len(EVENTS),
            "occurred_at": [t for _a, _u, t in EVENTS],
            "value": [None] * len(EVENTS),
            "properties": ["{}"] * len(EVENTS),
        },
        schema=BATCH_SCHEMA,
    )
    append_events(path, table)
    return path


def _milestone(
    session: Session, account_id: int, done: datetime | None, *, first_value: bool = True
) -> None:
    n = session.query(Milestone).count()
    session.add(
        Milestone(
            external_id=f"M{n}",
            account_id=account_id,
            plan="standard",
            name="初回の価値" if first_value else "キックオフ",
            position=n,
            is_first_value=first_value,
            done_at=done,
        )
    )


def add_first_values(session: Session) -> dict[str, int]:
    ids = add_accounts(session, "V1", "V2", "V3", "V4", "V5")
    trial = SubscriptionStatus.TRIAL
    add_line(session, ids["V1"], 10_000, date(2025, 12, 1), status=trial, end=date(2026, 1, 1))
    add_line(session, ids["V1"], 10_000, date(2026, 1, 1))
    add_line(session, ids["V2"], 10_000, date(2025, 12, 20))
    add_line(session, ids["V3"], 10_000, date(2026, 1, 3))
    add_line(session, ids["V4"], 10_000, date(2026, 1, 2))
    add_line(session, ids["V5"], 10_000, date(2026, 1, 2))
    _milestone(session, ids["V1"], utc(2026, 1, 10, 3))
    _milestone(session, ids["V2"], utc(2026, 1, 31, 15, 30))
    _milestone(session, ids["V3"], utc(2026, 1, 4), first_value=False)
    _milestone(session, ids["V3"], utc(2026, 1, 14, 14, 59, 59))
    _milestone(session, ids["V3"], utc(2026, 2, 20))
    _milestone(session, ids["V4"], utc(2026, 1, 30))
    _milestone(session, ids["V5"], None)
    session.flush()
    return ids
