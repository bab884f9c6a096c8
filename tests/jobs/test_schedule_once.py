"""Two schedulers on one database (SQLite file and PostgreSQL), each with its own engine and
lock holder as two processes have: the refresh of a day runs once, the other records that it
skipped it; a periodic job runs once an interval; a failed refresh is recorded with its
error and tried again. (tests/jobs/test_worker.py does the same with two real processes.)"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import JobResult
from kasasu.health.features import RefreshConfig
from kasasu.jobruns.schemas import JobRunRead
from kasasu.jobruns.service import job_history
from kasasu.jobs.locking import process_name
from kasasu.jobs.scheduler import DailyRefresh, Periodic
from kasasu.jobs.tracking import KEEP_SHARE
from kasasu.warehouse.source import AnalyticsSource
from tests.conftest import new_postgres_database
from tests.health.golden_health import add_health_base

ZONE = "Asia/Tokyo"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """H1, H2 and H3 of the golden health base, on a database of the module's own."""
    with ExitStack() as stack:
        url = (
            f"sqlite:///{tmp_path_factory.mktemp('once')}/kasasu.db"
            if request.param == "sqlite"
            else stack.enter_context(new_postgres_database())
        )
        upgrade(url)
        engine = create_db_engine(url)
        with transaction(session_factory(engine)) as session:
            add_health_base(session)
        engine.dispose()
        yield url


@pytest.fixture
def engines(database: str) -> Iterator[tuple[Engine, Engine]]:
    """One engine per "process"; the job history is emptied after each test."""
    pair = (create_db_engine(database), create_db_engine(database))
    yield pair
    with pair[0].begin() as connection:
        connection.execute(sa.text("DELETE FROM job_runs"))
        connection.execute(sa.text("DELETE FROM job_locks"))
    for engine in pair:
        engine.dispose()


def _runs(engine: Engine, name: str) -> list[JobRunRead]:
    """The job's runs, oldest first."""
    with transaction(session_factory(engine)) as session:
        return job_history(session, name=name, limit=500).runs[::-1]


def _scores(engine: Engine, day: date) -> int:
    with engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM health_scores WHERE as_of = :d")
        return int(connection.execute(query, {"d": day}).scalar_one())


def _daily(
    engine: Engine, config: RefreshConfig | None = None, retries: tuple[float, ...] = ()
) -> DailyRefresh:
    return DailyRefresh(engine, config or RefreshConfig(ZONE, "JPY"), time(3), None,
                        retries=retries)  # fmt: skip


def test_two_schedulers_refresh_a_day_once(engines: tuple[Engine, Engine]) -> None:
    day = date(2026, 11, 24)
    schedulers = [_daily(engine) for engine in engines]
    results: list[JobResult] = []
    threads = [threading.Thread(target=lambda d=d: results.append(d.run(day))) for d in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [JobResult.OK, JobResult.SKIPPED]
    runs = _runs(engines[0], "daily-refresh")
    assert sorted((r.result, r.day, r.attempt) for r in runs) == [
        (JobResult.OK, day, 1),
        (JobResult.SKIPPED, day, 1),
    ]
    skipped = next(r for r in runs if r.result is JobResult.SKIPPED)
    assert skipped.held_by == process_name()  # the one that ran it (this test's process)
    assert _scores(engines[0], day) == 2  # H1 and H2 pay that day; H3 was cancelled
    # A scheduler whose time comes later that day (another host's clock): done, skipped.
    assert _daily(engines[1]).run(day) is JobResult.SKIPPED
    assert [r.result for r in _runs(engines[0], "daily-refresh")][-1] is JobResult.SKIPPED
    with engines[0].connect() as connection:  # the day's lock is released
        assert connection.execute(sa.text("SELECT count(*) FROM job_locks")).scalar_one() == 0


def test_a_failed_refresh_is_recorded_and_tried_again(
    engines: tuple[Engine, Engine], tmp_path: Path
) -> None:
    day = date(2026, 11, 25)
    broken = tmp_path / "events.duckdb"
    broken.write_bytes(b"not a DuckDB file" * 64)  # the event store, damaged
    config = RefreshConfig(ZONE, "JPY", source=AnalyticsSource(events_path=broken))
    daily = _daily(engines[0], config=config, retries=(0.5, 0.5))
    done: list[JobResult] = []
    runner = threading.Thread(target=lambda: done.append(daily.run(day)))
    runner.start()
    deadline = clock.monotonic() + 30
    while not _runs(engines[1], "daily-refresh") and clock.monotonic() < deadline:
        clock.sleep(0.05)
    broken.unlink()  # repaired before the retry: the store is made anew, empty
    runner.join(60)
    assert done == [JobResult.OK]
    runs = _runs(engines[1], "daily-refresh")
    assert [(r.result, r.attempt) for r in runs] == [(JobResult.FAILED, 1), (JobResult.OK, 2)]
    error = runs[0].error
    assert error is not None
    assert error.startswith("IOException: IO Error: The file")
    assert "is not a valid DuckDB database file" in error
    assert _scores(engines[1], day) == 2


def test_a_refresh_failing_every_time_is_tried_as_often_as_set(
    engines: tuple[Engine, Engine], tmp_path: Path
) -> None:
    broken = tmp_path / "events.duckdb"
    broken.write_bytes(b"not a DuckDB file" * 64)
    config = RefreshConfig(ZONE, "JPY", source=AnalyticsSource(events_path=broken))
    started = clock.monotonic()
    result = _daily(engines[0], config=config, retries=(0.1, 0.2)).run(date(2026, 11, 26))
    assert result is JobResult.FAILED
    assert clock.monotonic() - started >= 0.3  # waited between the tries
    runs = _runs(engines[0], "daily-refresh")
    assert [(r.result, r.attempt) for r in runs] == [(JobResult.FAILED, n) for n in (1, 2, 3)]


def test_two_schedulers_run_a_periodic_job_once_an_interval(
    engines: tuple[Engine, Engine],
) -> None:
    every, calls = 1.0, {"a": 0, "b": 0}

    def work(who: str) -> None:
        calls[who] += 1

    jobs = [
        Periodic("test-drops", every, lambda: work("a"), engines[0], first_after=0.0),
        # Its ticks come 0.4 s after the first one's: within the interval the first one ran.
        Periodic("test-drops", every, lambda: work("b"), engines[1], first_after=0.4),
    ]
    for job in jobs:
        job.start()
    clock.sleep(3.5)
    for job in jobs:
        job.stop()
    runs = _runs(engines[0], "test-drops")
    done = [r for r in runs if r.result is JobResult.OK]
    assert len(done) == calls["a"] + calls["b"] >= 3
    assert len(runs) >= 6  # every tick recorded: 3 or 4 of each
    assert {r.result for r in runs} == {JobResult.OK, JobResult.SKIPPED}
    # Never twice in one interval: the runs that did the work start an interval apart.
    starts = [r.started_at for r in done]
    assert all(b - a >= timedelta(seconds=every * KEEP_SHARE) for a, b in pairwise(starts))
    assert all(r.held_by == process_name() for r in runs if r.result is JobResult.SKIPPED)
    with engines[0].connect() as connection:  # both gave their lock back at the stop
        assert connection.execute(sa.text("SELECT count(*) FROM job_locks")).scalar_one() == 0
