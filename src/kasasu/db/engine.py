"""Engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kasasu.db import audit
from kasasu.errors import Conflict, FieldError, InvalidInput, Unavailable
from kasasu.kit import deadline
from kasasu.kit.i18n import _
from kasasu.kit.types import MAX_BIGINT


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
    # A statement of stopped work (kasasu.kit.deadline) ends within a few thousand steps.
    dbapi_connection.set_progress_handler(deadline.cancelled, SQLITE_PROGRESS_STEPS)


SQLITE_PROGRESS_STEPS = 10_000


WRITE = "kasasu_write"  # the execution option of a transaction that will write


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads, then writes, cannot take the write lock once another
    # writer committed in between (WAL's SQLITE_BUSY_SNAPSHOT, which busy_timeout does not
    # wait out): it fails at once. A writer takes the lock first, waiting its turn.
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _bound_values(params: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(params, dict):
        yield from params.items()
    elif isinstance(params, list | tuple):
        for item in params:
            if isinstance(item, dict | list | tuple):
                yield from _bound_values(item)
            else:
                yield "", item


def _any_unstorable(params: Any) -> bool:
    """The check alone, as a plain loop: it runs for every row a statement writes."""
    if not params:
        return False
    many = (
        isinstance(params, list | tuple)
        and bool(params)
        and isinstance(params[0], list | tuple | dict)
    )
    for row in params if many else (params,):
        for value in row.values() if isinstance(row, dict) else row:
            if isinstance(value, str):
                if "\x00" in value:
                    return True
            elif isinstance(value, int) and not -MAX_BIGINT - 1 <= value <= MAX_BIGINT:
                return True
    return False


def _refuse_unstorable(
    _conn: Any, _cursor: Any, _statement: str, params: Any, context: Any, _many: bool
) -> None:
    """The same refusal on both databases for values only one of them would take.

    PostgreSQL refuses NUL (U+0000) in text, which SQLite stores (and a search for it then
    matches every row); both fail on integers beyond 64 bits with a driver error. Whatever
    edge a value came through (API, page, import, CLI), it is bad input, not a server error.
    """
    if not _any_unstorable(params):
        return
    errors = []
    # The parameters by name (SQLite's are positional by now), for an error that says where.
    named = getattr(context, "compiled_parameters", None) or params
    for name, value in _bound_values(named):
        loc = (_param_name(name),) if name else ()
        if isinstance(value, str) and "\x00" in value:
            errors.append(FieldError(loc, _("Contains a NUL character (U+0000)")))
        elif isinstance(value, int) and not -MAX_BIGINT - 1 <= value <= MAX_BIGINT:
            errors.append(FieldError(loc, _("Number too large"), value))
    if errors:
        raise InvalidInput(_("A value cannot be stored"), errors[:20])


def _stop_if_cancelled(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    # No new statement for work that was stopped (kasasu.kit.deadline); undoing it (a
    # rollback to a savepoint) still runs.
    if not statement.startswith("ROLLBACK"):
        deadline.check()


def _param_name(name: str) -> str:
    # SQLAlchemy names a bound parameter after its column, with "_1" for a repeated one.
    base, _sep, suffix = name.rpartition("_")
    return base if base and suffix.isdigit() else name


def normalize_url(url: str) -> str:
    """Let users write ``postgresql://``; Kasasu talks to PostgreSQL through psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine whose errors and logs never quote bound values (names, emails, comments)."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable)
    event.listen(engine, "before_cursor_execute", _stop_if_cancelled)
    audit.install()  # every session's writes are recorded in the audit log (kasasu.db.audit)
    return engine


T = TypeVar("T")


class Transactions(Protocol):
    """Runs ``work`` in a transaction of its own (``write``: one that writes), as the API's
    ``in_transaction`` does for a request: for a service that must not hold a connection
    while it waits for something else."""

    def __call__(self, work: Callable[[Session], T], *, write: bool) -> T: ...


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error. Owned by the caller.

    ``write``: the work will write, so on SQLite the transaction takes the write lock at its
    start (``BEGIN IMMEDIATE``) and concurrent writers queue for up to the busy timeout. A
    database still locked after that is ``Unavailable`` (the API answers 503 with
    Retry-After), never an internal error.

    Work under a budget that was cancelled (kasasu.kit.deadline: out of time, client gone,
    server stopping) fails with ``Unavailable`` too, whatever the interrupted statement or
    query raised.
    """
    with factory() as session:
        try:
            if write:
                session.connection(execution_options={WRITE: True})
            with _interruptible(session):
                yield session
            session.commit()
        except OperationalError as error:
            _rollback(session)
            _raise_if_stopped(error)
            if "database is locked" in str(error):
                raise Unavailable(_("The database is busy; try again in a moment")) from error
            raise
        except IntegrityError as error:
            # A unique key or a reference that another transaction took or removed since this
            # one checked (two first sign-ins of one person at once, say): a conflict, not a 500.
            session.rollback()
            raise Conflict(
                _("This conflicts with a change saved at the same moment; reload and try again")
            ) from error
        except DataError as error:
            # PostgreSQL's class 22 (a number out of its column's range, a malformed value):
            # the input is wrong, whatever edge let it through.
            session.rollback()
            raise InvalidInput(_("A value cannot be stored")) from error
        except Exception as error:
            _rollback(session)
            _raise_if_stopped(error)
            raise
        except BaseException:
            session.rollback()
            raise


def write_checkpoint(session: Session) -> None:
    """Commit what a long write transaction has done so far (each email sent, say) and go on
    in a new one that takes the write lock at its start too: after a plain commit the next
    transaction would begin deferred, and on SQLite fail at its first write when another
    process committed meanwhile."""
    session.commit()
    session.connection(execution_options={WRITE: True})


def _rollback(session: Session) -> None:
    """Roll back. Under a cancelled budget on PostgreSQL the cancel request, sent for a
    statement that had just ended, can reach the rollback instead: the work is stopped
    either way, so that failure does not hide why (the caller raises Unavailable); the pool
    resets or discards the connection when it comes back."""
    try:
        session.rollback()
    except OperationalError:
        budget = deadline.current()
        if budget is None or budget.reason is None:
            raise


def _interruptible(session: Session) -> AbstractContextManager[None]:
    """On PostgreSQL, under a budget: a cancellation sends a cancel request for the
    statement running on the session's connection. (SQLite has its progress handler.)"""
    if deadline.current() is None or session.get_bind().dialect.name != "postgresql":
        return nullcontext()
    dbapi = session.connection().connection.dbapi_connection
    # psycopg's Connection: the DBAPI protocol SQLAlchemy types it with has no cancel.
    return deadline.interruptible(dbapi.cancel_safe)  # type: ignore[union-attr]


def _raise_if_stopped(error: Exception) -> None:
    budget = deadline.current()
    if budget is None or budget.reason is None:
        return
    if budget.reason == deadline.DEADLINE:
        stopped = Unavailable(
            _(
                "This took longer than the {seconds} s the server allows and was stopped; "
                "ask for less (a shorter period) or try again later",
                seconds=f"{budget.seconds:g}",
            )
        )
    elif budget.reason == deadline.SHUTDOWN:
        stopped = Unavailable(_("The server is stopping; try again in a moment"))
    else:
        stopped = Unavailable(_("The request was abandoned by its client and stopped"))
    stopped.retry_after = budget.retry_after
    raise stopped from error
