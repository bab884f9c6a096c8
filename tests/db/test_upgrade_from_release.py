"""``kasasu db upgrade`` on a populated database of the previous release keeps every row and
every KPI, on SQLite and PostgreSQL.

The previous release's database is made as an installation has it: today's demo company,
taken down to the release's revision (its schema, with what it held), then upgraded by the
command a user runs. Every table and column of that release holds the same values after the
upgrade as before the downgrade, and the KPIs (every one, every month) are the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import current_revision, downgrade, head_revision, upgrade
from kasasu.demo.schemas import DemoOptions
from kasasu.demo.service import generate_demo
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from kasasu.models.search import SQLITE_FTS_TABLE
from tests.conftest import new_postgres_database
from tests.support.cli import data_env, invoke_kasasu

# The last revision of the release before the customer portal (docs/operations.md, "Upgrades").
PREVIOUS_RELEASE = "0034"
AS_OF = date(2026, 10, 1)
QUERY = MetricQuery(names=(), first_month=date(2026, 4, 1), last_month=date(2026, 9, 1))

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kasasu.db'}"
        return
    with new_postgres_database() as made:
        yield made


def _columns(engine: sa.Engine) -> dict[str, list[str]]:
    """Each table of the schema as it stands (not Alembic's, nor SQLite's full-text index,
    which its migrations rebuild) and its columns."""
    inspector = sa.inspect(engine)
    return {
        name: sorted(c["name"] for c in inspector.get_columns(name))
        for name in inspector.get_table_names()
        if name != "alembic_version" and not name.startswith(SQLITE_FTS_TABLE)
    }


def _rows(engine: sa.Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of those tables, those columns only, in a stable order."""
    found = {}
    with engine.connect() as connection:
        for name, names in columns.items():
            table = sa.table(name, *(sa.column(c) for c in names))
            rows = connection.execute(sa.select(table)).all()
            found[name] = sorted((tuple(r) for r in rows), key=repr)
    return found


def _kpis(engine: sa.Engine) -> list[tuple[str, str, Any, Any, Any]]:
    with transaction(session_factory(engine)) as session:
        values = compute_metrics(session, QUERY)
    return [(v.metric, v.period, v.value, v.numerator, v.denominator) for v in values]


def test_an_upgrade_keeps_every_row_and_kpi_of_the_previous_release(
    url: str, tmp_path: Path
) -> None:
    upgrade(url)
    engine = create_db_engine(url)
    try:
        options = DemoOptions(
            as_of=AS_OF, zone="Asia/Tokyo", currency="JPY", accounts=40, months=12
        )
        with transaction(session_factory(engine)) as session:
            generate_demo(session, options, events_path=tmp_path / "events.duckdb")
        kpis = _kpis(engine)
        assert len(kpis) > 100  # every KPI, every month: something to compare

        downgrade(url, PREVIOUS_RELEASE)
        assert current_revision(engine) == PREVIOUS_RELEASE
        released = _columns(engine)
        assert "community_posts" not in released
        assert "contacts" in released
        before = _rows(engine, released)
        assert sum(map(len, before.values())) > 1_000

        env = data_env(tmp_path / "data", KASASU_DATABASE_URL=url)
        done = invoke_kasasu(env, "db", "upgrade")
        assert done.returncode == 0, done.stderr
        assert current_revision(engine) == head_revision(url)
        after = _rows(engine, released)
        changed = {n for n in released if after[n] != before[n]}
        assert changed == set()
        assert _kpis(engine) == kpis
    finally:
        engine.dispose()
