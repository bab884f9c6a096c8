"""When the daily refresh wakes up, and the days a backfill covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from threading import Event
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import Engine

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import JobResult
from kasasu.health.features import RefreshConfig
from kasasu.jobruns.service import job_history
from kasasu.jobs.refresh import days_between
from kasasu.jobs.scheduler import DailyRefresh, Periodic, seconds_until
from tests.health.golden_health import add_health_base


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


def _health_base(tmp_path: Path) -> Engine:
    """A migrated SQLite database of its own holding tests/health/golden_health's base."""
    url = f"sqlite:///{tmp_path}/kasasu.db"
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        add_health_base(session)
    return engine


def test_the_scheduler_refreshes_today_when_its_time_comes(tmp_path: Path) -> None:
    engine = _health_base(tmp_path)
    zone = "Asia/Tokyo"
    # A clock that starts 0.2 s before 03:00 JST on 2026-11-24 and then runs at real speed.
    start, started = datetime(2026, 11, 24, 2, 59, 59, 800_000, ZoneInfo(zone)), monotonic()
    daily = DailyRefresh(
        engine,
        RefreshConfig(zone, "JPY"),
        time(3),
        None,
        clock=lambda: start + timedelta(seconds=monotonic() - started),
    )
    daily.start()
    try:
        deadline = monotonic() + 60
        scored: list[tuple[date, int]] = []
        while not scored and monotonic() < deadline:
            sleep(0.1)
            with engine.connect() as connection:
                scored = [
                    (date.fromisoformat(str(d)), int(n))
                    for d, n in connection.execute(
                        sa.text("SELECT as_of, count(*) FROM health_scores GROUP BY as_of")
                    )
                ]
    finally:
        daily.stop()
        engine.dispose()
    assert scored == [(date(2026, 11, 24), 2)]  # H1 and H2 pay that day; H3 was cancelled


def test_a_periodic_job_runs_again_after_a_failure(tmp_path: Path) -> None:
    """The customer's reminders run every few minutes: a failed run is recorded with its
    error and the next one comes; stop ends the wait at once."""
    url = f"sqlite:///{tmp_path}/kasasu.db"
    upgrade(url)
    engine = create_db_engine(url)
    runs: list[int] = []
    third = Event()

    def work() -> None:
        runs.append(1)
        if len(runs) == 3:
            third.set()
        if len(runs) == 1:
            raise RuntimeError("the mail server is down")

    job = Periodic("test-job", 0.01, work, engine, first_after=0.0)
    job.start()
    assert third.wait(5)
    started = monotonic()
    job.stop()
    assert monotonic() - started < 1
    assert len(runs) >= 3
    with transaction(session_factory(engine)) as session:
        history = job_history(session, limit=500).runs[::-1]  # oldest first
        locks = session.scalar(sa.text("SELECT count(*) FROM job_locks"))
    engine.dispose()
    assert [(r.result, r.error) for r in history[:3]] == [
        (JobResult.FAILED, "RuntimeError: the mail server is down"),
        (JobResult.OK, None),
        (JobResult.OK, None),
    ]
    assert locks == 0  # given back at the stop


def test_a_start_after_the_refresh_time_catches_today_up_once(tmp_path: Path) -> None:
    """Started at 10:00 with today not refreshed (the server was down at 03:00): today is
    refreshed at once. Started again that day, nothing more: the day is scored."""
    engine = _health_base(tmp_path)
    zone = "Asia/Tokyo"
    ten = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo(zone))

    def runs() -> list[tuple[str, str]]:
        with engine.connect() as connection:
            found = connection.execute(sa.text("SELECT day, result FROM job_runs"))
            return [(str(d), str(r)) for d, r in found]

    def started_once(wait: float) -> list[tuple[str, str]]:
        """Start a scheduler, wait until the history has a run (or ``wait`` seconds)."""
        before = len(runs())
        daily = DailyRefresh(engine, RefreshConfig(zone, "JPY"), time(3), None,
                             catch_up_after=0.0, clock=lambda: ten)  # fmt: skip
        daily.start()
        deadline = monotonic() + wait
        while len(runs()) == before and monotonic() < deadline:
            sleep(0.1)
        daily.stop()
        return runs()

    try:
        assert started_once(wait=60) == [("2026-11-24", "ok")]
        assert started_once(wait=1) == [("2026-11-24", "ok")]  # scored: left alone
        with engine.connect() as connection:
            scores = connection.execute(sa.text("SELECT count(*) FROM health_scores"))
            assert scores.scalar_one() == 2  # H1 and H2 pay that day; H3 was cancelled
    finally:
        engine.dispose()
