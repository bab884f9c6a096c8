"""Engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kasasu.errors import Unavailable
from kasasu.kit.i18n import _


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own implicit transactions break SAVEPOINT and skip BEGIN before SELECTs;
    # let SQLAlchemy emit BEGIN itself (the recipe in SQLAlchemy's SQLite dialect docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


WRITE = "kasasu_write"  # the execution option of a transaction that will write


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads, then writes, cannot take the write lock once another
    # writer committed in between (WAL's SQLITE_BUSY_SNAPSHOT, which busy_timeout does not
    # wait out): it fails at once. A writer takes the lock first, waiting its turn.
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def normalize_url(url: str) -> str:
    """Let users write ``postgresql://``; Kasasu talks to PostgreSQL through psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error. Owned by the caller.

    ``write``: the work will write, so on SQLite the transaction takes the write lock at its
    start (``BEGIN IMMEDIATE``) and concurrent writers queue for up to the busy timeout. A
    database still locked after that is ``Unavailable`` (the API answers 503 with
    Retry-After), never an internal error.
    """
    with factory() as session:
        try:
            if write:
                session.connection(execution_options={WRITE: True})
            yield session
            session.commit()
        except OperationalError as error:
            session.rollback()
            if "database is locked" in str(error):
                raise Unavailable(_("The database is busy; try again in a moment")) from error
            raise
        except BaseException:
            session.rollback()
            raise
