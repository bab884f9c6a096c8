"""Tickets of one account (S1) whose support KPIs are computed by hand (JST = UTC + 9).

ticket  opened (UTC)             first response   resolved            period opened
T1      Jan 5 00:00:00.700       +2 h (02:00:00.200: 2 h to the second)  +10 h    Jan
T2      Jan 6 00:00              +4 h             +30 h               Jan
T3      Jan 7 00:00              +1.5 h           —                   Jan
T4      Jan 31 14:59:59 (23:59:59 JST)  —         Feb 1 00:00 (+9 h 1 s; resolved in Feb)  Jan
T5      Jan 31 15:00 (Feb 1 00:00 JST)  +3 h      +5 h (Feb)          Feb
T6      Dec 20 00:00             —                Jan 2 00:00         Dec
T7      Jan 8 00:00              +3 h             +20 h               Jan
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import Priority, TicketStatus
from kasasu.models import Ticket
from tests.analytics.golden_voice import add_accounts, utc

H = timedelta(hours=1)
# (opened, first response, resolved)
TICKETS: list[tuple[datetime, datetime | None, datetime | None]] = [
    (
        utc(2026, 1, 5, 0, 0, 0, 700_000),
        utc(2026, 1, 5, 2, 0, 0, 200_000),
        utc(2026, 1, 5, 10, 0, 0, 700_000),
    ),
    (utc(2026, 1, 6), utc(2026, 1, 6) + 4 * H, utc(2026, 1, 6) + 30 * H),
    (utc(2026, 1, 7), utc(2026, 1, 7) + 1.5 * H, None),
    (utc(2026, 1, 31, 14, 59, 59), None, utc(2026, 2, 1)),
    (utc(2026, 1, 31, 15), utc(2026, 1, 31, 15) + 3 * H, utc(2026, 1, 31, 15) + 5 * H),
    (utc(2025, 12, 20), None, utc(2026, 1, 2)),
    (utc(2026, 1, 8), utc(2026, 1, 8) + 3 * H, utc(2026, 1, 8) + 20 * H),
]


def add_tickets(session: Session) -> int:
    [account_id] = add_accounts(session, "S1").values()
    for n, (opened, first, resolved) in enumerate(TICKETS, start=1):
        session.add(
            Ticket(
                external_id=f"T{n}",
                account_id=account_id,
                subject=f"問い合わせ{n}",
                opened_at=opened,
                first_response_at=first,
                resolved_at=resolved,
                priority=Priority.NORMAL,
                status=TicketStatus.RESOLVED if resolved else TicketStatus.OPEN,
            )
        )
    session.flush()
    return account_id
