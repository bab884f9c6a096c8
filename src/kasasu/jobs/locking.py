"""One refresh per day at a time (security review F14): a lock row per day refreshed,
renewed while the work goes on, released at the end, expiring if its holder crashed."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.errors import Unavailable
from kasasu.kit.i18n import _
from kasasu.locks.service import acquire_locks, release_locks, renew_locks

LOCK_TTL = timedelta(minutes=5)  # a crashed refresh frees its days after this
RENEW_EVERY = 60.0  # seconds between renewals while the work goes on
log = logging.getLogger("kasasu.refresh")


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200]


@contextmanager
def refresh_lock(
    engine: Engine,
    days: Sequence[date],
    wait: float = 0.0,
    *,
    ttl: timedelta = LOCK_TTL,
    renew_every: float = RENEW_EVERY,
) -> Iterator[None]:
    """Hold the refresh lock of every day in ``days``, renewed every ``renew_every`` seconds
    for ``ttl`` more; after ``wait`` seconds of another holder, ``Unavailable`` says who
    holds it (exit code 6 on the command line)."""
    factory, holder = session_factory(engine), holder_name()
    names = sorted({f"refresh:{d.isoformat()}" for d in days})
    deadline = time.monotonic() + wait
    while True:
        with transaction(factory, write=True) as session:
            held = acquire_locks(session, names, holder, ttl)
            if held is not None:
                session.rollback()  # none of the days taken
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
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew,
        args=(engine, names, holder, stop),
        kwargs={"ttl": ttl, "every": renew_every},
        name="kasasu-lock",
        daemon=True,
    )
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join(timeout=10)
        with transaction(factory, write=True) as session:
            release_locks(session, names, holder)


def _renew(
    engine: Engine,
    names: list[str],
    holder: str,
    stop: threading.Event,
    *,
    ttl: timedelta,
    every: float,
) -> None:
    factory = session_factory(engine)
    while not stop.wait(every):
        try:
            with transaction(factory, write=True) as session:
                if not renew_locks(session, names, holder, ttl):
                    log.warning("refresh lock %s lost (expired and taken over)", names[0])
        except Unavailable:  # SQLite: the refresh itself is writing; the next renewal tries again
            log.info("refresh lock %s not renewed this time: the database is busy", names[0])
        except Exception:
            log.exception("refresh lock %s not renewed", names[0])
