"""Work under a cancelled budget (kasasu.kit.deadline) stops inside the database — a running
SQLite statement (progress handler) or PostgreSQL statement (cancel request) — and the
transaction answers Unavailable, with the budget's Retry-After."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.errors import Unavailable
from kasasu.kit import deadline
from kasasu.kit.deadline import Budget
from tests.conftest import new_postgres_database

# ~20 s of work on either database unless stopped.
SLOW = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 5e7) "
    "SELECT count(*) FROM n WHERE i < 0",
    "postgresql": "SELECT pg_sleep(20)",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        yield create_db_engine(f"sqlite:///{tmp_path / 'stop.db'}")
        return
    with new_postgres_database() as url:
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def test_a_running_statement_stops_when_its_budget_runs_out(engine: Engine) -> None:
    budget = Budget(0.3)
    threading.Timer(0.3, budget.cancel, (deadline.DEADLINE,)).start()
    started = time.monotonic()
    with (
        deadline.running(budget),
        pytest.raises(Unavailable) as stopped,
        transaction(session_factory(engine)) as session,
    ):
        session.execute(sa.text(SLOW[engine.dialect.name]))
    assert time.monotonic() - started < 3
    assert stopped.value.retry_after == 1
    assert "0.3 s" in stopped.value.message.render("en")
    # The connection is fine for the next piece of work.
    with transaction(session_factory(engine)) as session:
        assert session.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_no_statement_starts_once_the_client_is_gone(engine: Engine) -> None:
    budget = Budget(30)
    with deadline.running(budget), transaction(session_factory(engine)) as session:
        session.execute(sa.text("SELECT 1"))
    budget.cancel(deadline.DISCONNECTED)
    with (
        deadline.running(budget),
        pytest.raises(Unavailable, match="abandoned"),
        transaction(session_factory(engine)) as session,
    ):
        session.execute(sa.text("SELECT 1"))
