"""Real engines for every test: SQLite and PostgreSQL built by the Alembic migrations.

PostgreSQL is the server at KASASU_TEST_POSTGRES_URL (default: the local one). When it is
unreachable the tests that need it fail with a message saying so; they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api import create_api
from kasasu.api.context import ApiContext
from kasasu.db import create_db_engine
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import Role
from kasasu.domain.reporting import Reporting
from kasasu.users import service as users_service
from kasasu.users.schemas import ApiKeyCreate
from kasasu.users.service import create_api_key

POSTGRES_URL = os.environ.get(
    "KASASU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_admin() -> Engine:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is unreachable at {POSTGRES_URL} ({exc.orig}). These tests need it: "
            "start the server or set KASASU_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    return engine


# Fixtures giving a test a PostgreSQL database of its own; the SQLite/PostgreSQL parametrised
# fixtures mark their "postgresql" param instead. ``-m "not postgres"`` leaves them all out.
POSTGRES_FIXTURES = {"postgresql_database", "postgres_url", "postgres_demo"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
    # The xdist groups first (the browser's, ~150 s on one worker): a long group started last
    # ends the run on one worker while the other idles. A stable sort keeps every worker's
    # collection in the same order, as xdist requires.
    items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)


# The product's hasher (argon2-cffi's defaults: 64 MiB, t=3), for the test that checks its cost.
PRODUCT_HASHER = users_service._hasher


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """Passwords that tests create are hashed by argon2id at its lowest cost.

    At the product's cost each hash and each sign-in takes ~0.1 s, which hundreds of tests
    pay only to have a signed-in user. Verification reads the cost from the stored hash, so
    sign-in still runs the real argon2 check; servers started as processes keep the real cost.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            users_service,
            "_hasher",
            lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        yield


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards; yields its URL."""
    admin = _postgres_admin()
    name = f"kasasu_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (one per xdist worker)."""
    with new_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'kasasu.db'}"


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def migrated_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    url = request.getfixturevalue(f"{request.param}_database")
    upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(migrated_engine: Engine) -> Iterator[Connection]:
    """A connection whose outer transaction is rolled back after the test."""
    with migrated_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    # Commits inside the code under test release savepoints; the test's rollback undoes all.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s


@pytest.fixture
def api_context(sessions: sessionmaker[Session], tmp_path: Path) -> ApiContext:
    return ApiContext(
        sessions=sessions,
        events_path=tmp_path / "events.duckdb",
        reporting=Reporting(locale="en"),
    )


@pytest.fixture(scope="session")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The API, built once per worker (~0.25 s of routes); each test hands it its context.

    Handlers read the context from the app's state at each request, so a test's own
    database and settings take effect by replacing it (the ``api`` fixture does).
    """
    unused = tmp_path_factory.mktemp("api") / "events.duckdb"
    return create_api(ApiContext(sessionmaker(), unused, Reporting(locale="en")))


@pytest.fixture
def api(api_app: FastAPI, api_context: ApiContext) -> Iterator[TestClient]:
    """An unauthenticated client of /api/v1 (paths are relative to it)."""
    api_app.state.kasasu = api_context
    with TestClient(api_app, base_url="http://testserver") as client:
        yield client


def make_key(sessions: sessionmaker[Session], role: Role) -> str:
    with sessions() as s:
        key = create_api_key(s, ApiKeyCreate(name=f"test-{role.value}", role=role)).key
        s.commit()
    return key


@pytest.fixture
def admin_api(api: TestClient, sessions: sessionmaker[Session]) -> TestClient:
    """The same client, sending an admin API key."""
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.ADMIN)}"
    return api
