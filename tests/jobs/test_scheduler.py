"""When the daily refresh wakes up, and the days a backfill covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from kasasu.jobs.refresh import days_between
from kasasu.jobs.scheduler import seconds_until


def test_next_run_is_later_today_or_tomorrow_in_the_zone() -> None:
    # 2026-11-23 17:00 UTC = 2026-11-24 02:00 JST: 03:00 JST is one hour away.
    assert seconds_until(time(3), "Asia/Tokyo", datetime(2026, 11, 23, 17, tzinfo=UTC)) == 3600
    # 18:30 UTC = 03:30 JST: today's run is past; the next is 23.5 hours away.
    assert (
        seconds_until(time(3), "Asia/Tokyo", datetime(2026, 11, 23, 18, 30, tzinfo=UTC)) == 84_600
    )


def test_backfill_days_end_with_the_last_day() -> None:
    assert days_between(date(2026, 1, 1), date(2026, 1, 10), 4) == [
        date(2026, 1, 1),
        date(2026, 1, 5),
        date(2026, 1, 9),
        date(2026, 1, 10),
    ]
    assert days_between(date(2026, 1, 1), date(2026, 1, 1)) == [date(2026, 1, 1)]
