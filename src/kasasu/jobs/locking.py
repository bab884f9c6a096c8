"""One refresh per day at a time (security review F14): a lock row per day refreshed,
renewed by the work as it goes on, released at the end, expiring if its holder crashed."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.db import session_factory, transaction
from kasasu.errors import Unavailable
from kasasu.kit.i18n import _
from kasasu.locks.schemas import LockRead
from kasasu.locks.service import acquire_locks, release_locks, renew_locks

LOCK_TTL = timedelta(minutes=5)  # a crashed refresh frees its days after this
RENEW_EVERY = 60.0  # seconds between renewals while the work goes on
# Seconds a scheduler keeps trying to take a day's lock while the database is busy: on
# SQLite another process's refresh writes in steps of several seconds, and the lock row is
# free between them.
BUSY_PATIENCE = 60.0
log = logging.getLogger("kasasu.refresh")


def process_name() -> str:
    """host:pid of this process, as the job history shows it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:180]


def holder_name() -> str:
    return f"{process_name()}:{uuid.uuid4().hex[:8]}"


def process_of(holder: str) -> str:
    """The host:pid of a lock's holder (``holder_name()``'s, without its token)."""
    return holder.rsplit(":", 1)[0] if holder.count(":") >= 2 else holder


@dataclass
class Lease:
    """The refresh lock's rows, renewed by the refresh itself inside its own write
    transactions: on SQLite a renewal from a second connection would wait for the
    refresh's write lock, or commit between a refresh transaction's read and its write and
    break it (WAL's SQLITE_BUSY_SNAPSHOT); from the same transaction it does neither."""

    names: list[str]
    holder: str
    ttl: timedelta
    renew_every: float
    renewed_at: float = field(default_factory=time.monotonic)

    def keep(self, session: Session) -> None:
        """Push the expiry on when ``renew_every`` seconds have passed since the last time;
        ``session`` is a write transaction of the work the lock protects."""
        if time.monotonic() - self.renewed_at < self.renew_every:
            return
        if not renew_locks(session, self.names, self.holder, self.ttl):
            log.warning("refresh lock %s lost (expired and taken over)", self.names[0])
        self.renewed_at = time.monotonic()


@contextmanager
def refresh_lock(
    engine: Engine,
    days: Sequence[date],
    wait: float = 0.0,
    *,
    ttl: timedelta = LOCK_TTL,
    renew_every: float = RENEW_EVERY,
) -> Iterator[Lease]:
    """Hold the refresh lock of every day in ``days`` for ``ttl``, renewed by the work
    through the ``Lease`` it yields; after ``wait`` seconds of another holder,
    ``Unavailable`` says who holds it (exit code 6 on the command line)."""
    factory, holder = session_factory(engine), holder_name()
    names = day_lock_names(days)
    deadline = time.monotonic() + wait
    while True:
        held = take_locks(engine, names, holder, ttl)
        if held is None:
            break
        if time.monotonic() >= deadline:
            seconds = max(1, int((held.expires_at - datetime.now(UTC)).total_seconds()))
            error = Unavailable(
                _(
                    "A refresh for {day} is already running ({holder}, since {since} UTC); "
                    "try again when it ends, or wait for it with --wait SECONDS",
                    day=held.name.removeprefix("refresh:"),
                    holder=held.holder,
                    since=held.acquired_at.strftime("%Y-%m-%d %H:%M:%S"),
                )
            )
            error.retry_after = seconds
            raise error
        time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
    try:
        yield Lease(names, holder, ttl, renew_every)
    finally:
        with transaction(factory, write=True) as session:
            release_locks(session, names, holder)


@contextmanager
def day_lease(
    engine: Engine, day: date, *, ttl: timedelta = LOCK_TTL, renew_every: float = RENEW_EVERY
) -> Iterator[Lease | LockRead]:
    """The refresh lock of ``day`` if no one holds it (a ``Lease``, released after), else
    the lock as its holder holds it: the scheduler does not wait, it skips the day."""
    names, holder = day_lock_names([day]), holder_name()
    held = _take_when_free(engine, names, holder, ttl)
    if held is not None and not held.holder:  # released in between: free now
        held = _take_when_free(engine, names, holder, ttl)
    if held is not None:
        yield held
        return
    try:
        yield Lease(names, holder, ttl, renew_every)
    finally:
        with transaction(session_factory(engine), write=True) as session:
            release_locks(session, names, holder)


def _take_when_free(
    engine: Engine, names: list[str], holder: str, ttl: timedelta
) -> LockRead | None:
    """:func:`take_locks`, tried again for up to BUSY_PATIENCE seconds while the database is
    busy (then its Unavailable)."""
    deadline = time.monotonic() + BUSY_PATIENCE
    while True:
        try:
            return take_locks(engine, names, holder, ttl)
        except Unavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def day_lock_names(days: Sequence[date]) -> list[str]:
    return sorted({f"refresh:{d.isoformat()}" for d in days})


def take_locks(engine: Engine, names: list[str], holder: str, ttl: timedelta) -> LockRead | None:
    """Every lock of ``names`` for ``holder`` (None), or none of them and the one someone
    else holds."""
    with transaction(session_factory(engine), write=True) as session:
        held = acquire_locks(session, names, holder, ttl)
        if held is not None:
            session.rollback()  # none of them taken
    return held
