"""Security review F14: two `kasasu refresh` for the same day at once crashed one of them
(SQLite: "database is locked" with a traceback, exit 1, in 3 of 3 rounds; PostgreSQL:
UniqueViolation). Now one refresh per day runs at a time: the other one says who holds the
day and exits with code 6 (or waits with --wait), on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest
import sqlalchemy as sa

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.errors import Unavailable
from kasasu.health.features import RefreshConfig
from kasasu.jobs.locking import refresh_lock
from kasasu.jobs.refresh import run_refresh
from kasasu.locks.service import acquire_locks, release_locks
from kasasu.settings import Settings
from kasasu.wiring import refresh_config
from tests.conftest import new_postgres_database
from tests.support.cli import data_env, invoke_kasasu

pytestmark = pytest.mark.slow  # refreshes of a demo company in their own processes

DAY = "2026-10-01"
REFRESH = ("refresh", "--as-of", DAY, "--no-playbooks", "--no-pages")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def company(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A demo company on each database; yields the environment of its commands."""
    data = tmp_path_factory.mktemp("lock")
    with ExitStack() as stack:
        url = (
            f"sqlite:///{data}/kasasu.db"
            if request.param == "sqlite"
            else stack.enter_context(new_postgres_database())
        )
        env = data_env(data, KASASU_LOCALE="en", KASASU_DATABASE_URL=url)
        assert invoke_kasasu(env, "init").returncode == 0
        made = invoke_kasasu(env, "demo", "--accounts", "120", "--months", "12", "--seed", "3")
        assert made.returncode == 0, made.stderr
        yield env


def _scores(env: dict[str, str]) -> int:
    engine = create_db_engine(env["KASASU_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT count(*) FROM health_scores WHERE as_of = :d")
            return int(connection.execute(query, {"d": DAY}).scalar_one())
    finally:
        engine.dispose()


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kasasu", *REFRESH, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_refreshes_of_one_day_at_once(company: dict[str, str]) -> None:
    single = invoke_kasasu(company, *REFRESH)
    assert single.returncode == 0, single.stderr
    expected = _scores(company)
    # Two processes at once (before the fix one crashed in each of 3 rounds out of 3).
    runs = [_start(company) for _ in range(2)]
    results = [(*r.communicate(timeout=300), r.returncode) for r in runs]
    codes = sorted(code for _out, _err, code in results)
    assert all("Traceback" not in err for _o, err, _c in results), results
    assert codes in ([0, 0], [0, 6]), results  # the second one finished after, or said so
    for _out, err, code in results:
        if code == 6:
            assert f"A refresh for {DAY} is already running" in err
    # Waiting instead: both run, one after the other, and the day is the same.
    runs = [_start(company, "--wait", "300") for _ in range(2)]
    waited = [(*r.communicate(timeout=600), r.returncode) for r in runs]
    assert [code for _out, _err, code in waited] == [0, 0], waited
    assert _scores(company) == expected


def test_a_held_day_exits_6_and_says_who_holds_it(company: dict[str, str]) -> None:
    engine = create_db_engine(company["KASASU_DATABASE_URL"])
    factory, names = session_factory(engine), [f"refresh:{DAY}"]
    try:
        with transaction(factory, write=True) as session:
            assert acquire_locks(session, names, "cron-host:4242:x", timedelta(minutes=5)) is None
        held = invoke_kasasu(company, *REFRESH)
        assert held.returncode == 6
        assert "A refresh for 2026-10-01 is already running (cron-host:4242:x" in held.stderr
        assert "Traceback" not in held.stderr
        japanese = invoke_kasasu({**company, "KASASU_LOCALE": "ja"}, *REFRESH)
        assert japanese.returncode == 6
        assert "2026-10-01 の再計算はすでに実行中です" in japanese.stderr
        # Another day is not held.
        other = invoke_kasasu(
            company, "refresh", "--as-of", "2026-09-30", "--no-playbooks", "--no-pages"
        )
        assert other.returncode == 0, other.stderr

        # --wait: the holder finishes a moment later, and this one runs.
        def finish() -> None:
            time.sleep(2)
            with transaction(factory, write=True) as session:
                release_locks(session, names, "cron-host:4242:x")

        releaser = threading.Thread(target=finish)
        releaser.start()
        waited = invoke_kasasu(company, *REFRESH, "--wait", "60")
        releaser.join()
        assert waited.returncode == 0, waited.stderr

        # A holder that crashed: its lock expired, and the next refresh takes it over.
        with transaction(factory, write=True) as session:
            assert acquire_locks(session, names, "crashed:1:x", timedelta(seconds=-1)) is None
        assert invoke_kasasu(company, *REFRESH).returncode == 0
        with engine.connect() as connection:  # released at the end
            left = connection.execute(sa.text("SELECT count(*) FROM job_locks")).scalar_one()
        assert left == 0
    finally:
        engine.dispose()


def test_the_lock_is_taken_by_one_of_two_sessions(company: dict[str, str]) -> None:
    """The service on its own: of two holders, the second is told who holds the day."""
    engine = create_db_engine(company["KASASU_DATABASE_URL"])
    factory, names = session_factory(engine), ["refresh:2000-01-01"]
    try:
        with transaction(factory, write=True) as session:
            assert acquire_locks(session, names, "a", timedelta(minutes=5)) is None
        with transaction(factory, write=True) as session:
            held = acquire_locks(session, names, "b", timedelta(minutes=5))
        assert held is not None
        assert held.holder == "a"
        assert held.expires_at > datetime.now(UTC)
        with transaction(factory, write=True) as session:
            release_locks(session, names, "b")  # not b's: stays
        with transaction(factory, write=True) as session:
            assert acquire_locks(session, names, "b", timedelta(minutes=5)) is not None
            release_locks(session, names, "a")
    finally:
        engine.dispose()


def _config(env: dict[str, str]) -> RefreshConfig:
    with patch.dict(os.environ, env):
        return refresh_config(Settings())


DAYS = [date(2026, 9, 24) + timedelta(days=k) for k in range(8)]
LONG = [date(2026, 8, 31) + timedelta(days=k) for k in range(16)]  # ~0.8 s a day: 3× the lock


def test_a_refresh_goes_on_while_others_write(company: dict[str, str]) -> None:
    """20,000 accounts (make bench), 1 of 2 backfills: exit 6 "database busy" on SQLite.
    A step that read before another writer committed could not write (WAL's
    SQLITE_BUSY_SNAPSHOT, not waited out by busy_timeout). Here a writer commits every few
    milliseconds through a whole backfill, as the lock's renewals and the users do."""
    engine = create_db_engine(company["KASASU_DATABASE_URL"])
    factory, stop = session_factory(engine), threading.Event()
    commits: list[float] = []

    def write() -> None:
        while not stop.is_set():
            with suppress(Unavailable), transaction(factory, write=True) as session:
                acquire_locks(session, ["noise"], "writer", timedelta(seconds=-1))
            commits.append(time.monotonic())
            time.sleep(0.005)

    def between_steps(_step: str, _day: date) -> None:
        time.sleep(0.03)  # what a progress bar takes: the writer's moment to get in

    writer = threading.Thread(target=write)
    writer.start()
    try:
        started = time.monotonic()
        result = run_refresh(engine, DAYS, _config(company), between_steps)
        ended = time.monotonic()
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert sorted(result.scored) == DAYS
    during = [t for t in commits if started < t < ended]
    assert len(during) > len(DAYS)  # the writer did commit while the refresh ran


def test_a_refresh_longer_than_its_lock_keeps_it(company: dict[str, str]) -> None:
    """F14: a refresh that takes longer than the lock's time renews it as it goes, so a
    second one cannot take the days over as if the first had crashed; the end frees them."""
    engine = create_db_engine(company["KASASU_DATABASE_URL"])
    factory, stop = session_factory(engine), threading.Event()
    taken: list[str] = []

    def take() -> None:
        while not stop.is_set():
            with suppress(Unavailable), transaction(factory, write=True) as session:
                if acquire_locks(session, [f"refresh:{LONG[0]}"], "second", ttl) is None:
                    taken.append("second")
            time.sleep(0.05)

    # Longer than the longest stretch between two renewals (copying the facts before a
    # batch's first day: over 1.5 s with coverage on at load 8), far shorter than the run.
    ttl = timedelta(seconds=4)
    try:
        started = time.monotonic()
        with refresh_lock(engine, LONG, ttl=ttl, renew_every=0.1) as lease:
            taker = threading.Thread(target=take)
            taker.start()
            try:
                run_refresh(engine, LONG, _config(company), keep=lease.keep)
            finally:
                stop.set()
                taker.join()
        assert time.monotonic() - started > ttl.total_seconds()  # it outlived its lock
        assert taken == []
        with refresh_lock(engine, LONG):  # released: free again
            pass
    finally:
        engine.dispose()
