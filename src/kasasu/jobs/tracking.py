"""Every scheduled run in the job history (kasasu.jobruns), and the periodic jobs under a
database lock named after their job, so that of several processes running the schedule
(``kasasu worker``s, a ``kasasu serve`` with its embedded scheduler) one does each run and
the others record that they skipped it.

A periodic run keeps its job's lock for most of its interval after it started: the ticks of
two processes seldom come at the same moment, and without that the second process would run
the job again a few seconds after the first. So each interval the job runs once, by the
process whose tick comes first; when that process stops, another one takes over within an
interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import TracebackType

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.domain.choices import JobResult
from kasasu.errors import KasasuError
from kasasu.jobruns.schemas import JobRunCreate
from kasasu.jobruns.service import record_job_run
from kasasu.jobs.locking import RENEW_EVERY, process_name, process_of, take_locks
from kasasu.kit.metrics import observe_job
from kasasu.locks.service import release_locks, renew_locks

PERIODIC_TTL = timedelta(minutes=10)  # a crashed periodic run frees its job after this
KEEP_SHARE = 0.9  # of its interval a run keeps its job's lock, counted from its start
log = logging.getLogger("kasasu.scheduler")


def record_run(
    engine: Engine,
    name: str,
    started: datetime,
    result: JobResult,
    *,
    day: date | None = None,
    attempt: int = 1,
    held_by: str | None = None,
    error: str | None = None,
) -> None:
    """Write the run to the job history; a history that cannot be written (the database is
    down) is logged and never stops the schedule."""
    run = JobRunCreate(
        name=name,
        started_at=started,
        finished_at=datetime.now(UTC),
        result=result,
        holder=process_name(),
        day=day,
        attempt=attempt,
        held_by=held_by,
        error=error,
    )
    try:
        with transaction(session_factory(engine), write=True) as session:
            record_job_run(session, run)
    except Exception:  # the run itself is over; only its record is lost
        log.exception("job history: the run of %s could not be recorded", name)
    # The one place every scheduled run ends: its metrics too (GET /metrics).
    observe_job(name, (run.finished_at - started).total_seconds(), result.value)


def error_text(error: BaseException) -> str:
    """A failed run's error as the job history keeps it (in English, as the logs)."""
    if isinstance(error, KasasuError):
        return f"{type(error).__name__}: {error.message.render('en')}"
    return f"{type(error).__name__}: {error}"


class Heartbeat:
    """Renews ``names`` for ``holder`` every ``every`` seconds from a thread of its own while
    the work goes on, so that a long run keeps its lock and a crashed one frees it after
    ``ttl``. A renewal that fails (the database is busy with the work's own transaction) is
    tried again next time: the lock lives ``ttl``, many renewals long."""

    def __init__(
        self, engine: Engine, names: list[str], holder: str, ttl: timedelta, every: float
    ) -> None:
        self.engine, self.names, self.holder, self.ttl, self.every = (
            engine,
            names,
            holder,
            ttl,
            every,
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kasasu-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with transaction(session_factory(self.engine), write=True) as session:
                    if not renew_locks(session, self.names, self.holder, self.ttl):
                        log.warning("job lock %s lost (expired and taken over)", self.names[0])
            except Exception as error:  # noqa: BLE001 - any failure: the next beat tries again
                log.warning("job lock %s not renewed this time: %s", self.names[0], error)


def run_periodic(
    engine: Engine,
    name: str,
    work: Callable[[], object],
    *,
    every: float,
    holder: str,
    renew_every: float = RENEW_EVERY,
) -> JobResult:
    """One tick of the periodic job ``name``: skipped when another process holds its lock,
    else ``work`` under the lock, then the lock kept until ``KEEP_SHARE`` of ``every``
    seconds after the start. A failure is recorded; the job runs again at its next tick."""
    lock, started = f"job:{name}", datetime.now(UTC)
    try:
        held = take_locks(engine, [lock], holder, PERIODIC_TTL)
    except KasasuError as busy:  # the database is busy: the next tick tries again
        record_run(engine, name, started, JobResult.FAILED, error=error_text(busy))
        return JobResult.FAILED
    if held is not None:
        record_run(engine, name, started, JobResult.SKIPPED, held_by=process_of(held.holder))
        return JobResult.SKIPPED
    result, error = JobResult.OK, None
    try:
        with Heartbeat(engine, [lock], holder, PERIODIC_TTL, renew_every):
            work()
    except KasasuError as failure:  # the database busy, say: the next run catches up
        log.warning("%s failed: %s", name, failure.message.render("en"))
        result, error = JobResult.FAILED, error_text(failure)
    except Exception as failure:  # a failed run must not stop the schedule or the next run
        log.exception("%s failed", name)
        result, error = JobResult.FAILED, error_text(failure)
    record_run(engine, name, started, result, error=error)
    keep_until(engine, lock, holder, started + timedelta(seconds=every * KEEP_SHARE))
    return result


def keep_until(engine: Engine, lock: str, holder: str, until: datetime) -> None:
    """Keep ``lock`` until ``until``, or release it when that has passed."""
    left = until - datetime.now(UTC)
    try:
        with transaction(session_factory(engine), write=True) as session:
            if left > timedelta(0):
                renew_locks(session, [lock], holder, left)
            else:
                release_locks(session, [lock], holder)
    except Exception as error:  # noqa: BLE001 - any failure: it expires by itself
        log.warning("job lock %s not kept: %s", lock, error)


def release(engine: Engine, lock: str, holder: str) -> None:
    """Give back ``lock`` at shutdown, so that another process takes the job at its tick."""
    try:
        with transaction(session_factory(engine), write=True) as session:
            release_locks(session, [lock], holder)
    except Exception as error:  # noqa: BLE001 - any failure: it expires by itself
        log.warning("job lock %s not released: %s", lock, error)
