"""Migrations go up and down on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kasasu.db import create_db_engine
from kasasu.db.migrate import current_revision, downgrade, head_revision, upgrade
from kasasu.models import Base
from tests.conftest import new_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('mig') / 'm.db'}"
        return
    with new_postgres_database() as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_url: str) -> None:
    upgrade(empty_url)
    assert _tables(empty_url) == set(Base.metadata.tables)
    downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    upgrade(empty_url)  # and up again: downgrade left nothing behind that blocks it
    engine = create_db_engine(empty_url)
    assert current_revision(engine) == head_revision(empty_url)
    engine.dispose()


def test_models_match_migrations(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_db_engine(empty_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
