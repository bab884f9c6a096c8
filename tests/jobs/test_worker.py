"""Two ``kasasu worker`` processes on one database (a SQLite file, and PostgreSQL), their daily
refresh time passed as they start (KASASU_REFRESH__AT at midnight, caught up): the day is
refreshed once, by one of them; the job history shows its run and the other's skip naming
it; the playbooks acted once; both stop cleanly on SIGTERM."""

from __future__ import annotations

import importlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from kasasu.db import create_db_engine
from tests.conftest import new_postgres_database
from tests.support.cli import data_env, invoke_kasasu

pytestmark = pytest.mark.slow  # two workers and a refresh of a small demo company

ZONE = ZoneInfo("Asia/Tokyo")
BOOT_SECONDS = 30  # the most the workers take to start (3 s on a quiet machine)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def company(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A small demo company up to today on each database; yields the workers' environment."""
    data = tmp_path_factory.mktemp("workers")
    with ExitStack() as stack:
        url = (
            f"sqlite:///{data}/kasasu.db"
            if request.param == "sqlite"
            else stack.enter_context(new_postgres_database())
        )
        env = data_env(data, KASASU_LOCALE="en", KASASU_DATABASE_URL=url, KASASU_DEV_MODE="true")
        assert invoke_kasasu(env, "init").returncode == 0
        made = invoke_kasasu(env, "demo", "--accounts", "12", "--months", "3", "--seed", "3")
        assert made.returncode == 0, made.stderr
        # Imported here first, so that the workers start from compiled modules in time.
        importlib.import_module("kasasu.cli.worker")
        yield env


def _rows(url: str, query: str, **params: object) -> list[tuple[Any, ...]]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def test_two_workers_refresh_the_day_once(company: dict[str, str]) -> None:
    url = company["KASASU_DATABASE_URL"]
    # The refresh time is midnight, passed: each worker catches today up as it starts,
    # however long it takes to start. The pages computed ahead (a job of their own, tested
    # in test_warm) are off, so the refresh alone runs.
    day = datetime.now(ZONE).date()
    env = {**company, "KASASU_REFRESH__AT": "00:00:00",
           "KASASU_REFRESH__PAGES_EVERY_MINUTES": "0"}  # fmt: skip
    command = [sys.executable, "-m", "kasasu", "worker"]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + BOOT_SECONDS + 60
        runs: list[tuple[Any, ...]] = []
        while len(runs) < 2 and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.2)
            runs = _rows(
                url,
                "SELECT result, holder, held_by, attempt FROM job_runs "
                "WHERE name = 'daily-refresh' AND day = :day ORDER BY result",
                day=day,
            )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        ended = [(*w.communicate(timeout=30), w.returncode) for w in workers]
    for out, err, code in ended:
        assert code == 0, (out, err)
        assert "Traceback" not in err, err
        assert out.strip().endswith("Kasasu worker stopped"), out
    processes = {f"{socket.gethostname()}:{w.pid}" for w in workers}
    assert len(runs) == 2, f"not refreshed: {ended}"
    (ok, ok_by, _none, ok_try), (skipped, skipped_by, held_by, skip_try) = runs
    assert (ok, skipped, ok_try, skip_try) == ("ok", "skipped", 1, 1)
    assert {ok_by, skipped_by} == processes
    assert held_by == ok_by  # the history says which worker ran it
    # The day was scored once, one row per account paying that day.
    ((scores, accounts),) = _rows(
        url,
        "SELECT count(*), count(DISTINCT account_id) FROM health_scores WHERE as_of = :day",
        day=day,
    )
    assert scores == accounts > 0
    # The playbooks fired for the day, and each action was carried out once.
    ((actions, attempts, fired),) = _rows(
        url,
        "SELECT count(*), coalesce(sum(a.attempts), 0), count(DISTINCT r.id) "
        "FROM playbook_actions a JOIN playbook_runs r ON r.id = a.run_id "
        "WHERE r.fired_on = :day",
        day=day,
    )
    assert fired > 0
    assert attempts == actions
    assert _rows(url, "SELECT name FROM job_locks WHERE name LIKE 'refresh:%'") == []
