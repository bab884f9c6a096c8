"""contract end and cancellation dates become the last day of service

Until this revision Kasasu read a line's end date and cancellation date as the first day
without service (exclusive); from now on both are the last day of service, inclusive
(DESIGN.md §4: "2026年3月31日付で解約" = paid through March 31). Dates written the old way
are recognised by falling on the same day of the month as the line's start, a whole number
of months after it (2025-04-01 → 2026-04-01, the demo's and most imports' old style), and
move one day back (2026-03-31); dates already written the new way (2025-04-01 → 2026-03-31)
are left alone. A recorded renewal outcome keeps pointing at its line's end date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_lines = sa.table(
    "subscriptions",
    sa.column("id", sa.BigInteger),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("cancelled_on", sa.Date),
)
_renewals = sa.table(
    "renewals",
    sa.column("id", sa.BigInteger),
    sa.column("subscription_id", sa.BigInteger),
    sa.column("renewal_date", sa.Date),
)


def _old_style(start: date, day: date | None) -> bool:
    return day is not None and day > start and day.day == start.day


def _shift(step: int) -> None:
    """Move old-style dates ``step`` days (-1 up, +1 down) and the renewals recorded on them."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_lines.c.id, _lines.c.start_date, _lines.c.end_date, _lines.c.cancelled_on)
    ).all()
    moved_ends: dict[tuple[int, date], date] = {}
    for line_id, start, end, cancelled in rows:
        probe = 1 if step > 0 else 0  # going down, the stored date is one day short
        values = {}
        if end is not None and _old_style(start, end + timedelta(days=probe)):
            values["end_date"] = end + timedelta(days=step)
            moved_ends[line_id, end] = values["end_date"]
        if cancelled is not None and _old_style(start, cancelled + timedelta(days=probe)):
            values["cancelled_on"] = cancelled + timedelta(days=step)
        if values:
            bind.execute(sa.update(_lines).where(_lines.c.id == line_id).values(**values))
    for row_id, line_id, day in bind.execute(sa.select(_renewals)).all():
        if (line_id, day) in moved_ends:
            bind.execute(
                sa.update(_renewals)
                .where(_renewals.c.id == row_id)
                .values(renewal_date=moved_ends[line_id, day])
            )


def upgrade() -> None:
    _shift(-1)


def downgrade() -> None:
    _shift(+1)
