"""The scheduled work of ``kasasu worker`` and of the scheduler inside ``kasasu serve``: the
daily refresh, a background thread that wakes at the configured local time, refreshes that
day (KASASU_REFRESH__AT, default 03:00), runs the playbooks for it and then, when
KASASU_EXPORT__PARQUET_DIR is set, writes the warehouse export; and the periodic jobs
(reminders, the connectors' drop folder and feeds). Which jobs there are: jobs/schedule.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.domain.choices import JobResult
from kasasu.domain.reporting import Reporting
from kasasu.errors import Unavailable
from kasasu.health.features import RefreshConfig
from kasasu.health.service import scored_days
from kasasu.jobruns.schemas import DAILY_REFRESH, WAREHOUSE_EXPORT, JobRunRead
from kasasu.jobruns.service import day_done, prune_job_runs
from kasasu.jobs.daily import run_day
from kasasu.jobs.digests import DigestConfig
from kasasu.jobs.export import ExportSetup, export_warehouse
from kasasu.jobs.locking import Lease, day_lease, holder_name, process_of
from kasasu.jobs.playbooks import PlaybookSetup
from kasasu.jobs.tracking import error_text, record_run, release, run_periodic
from kasasu.jobs.writeback import WritebackConfig
from kasasu.surveys.config import SurveyConfig

STOPPED = (
    "Stopped before its end: the process was asked to stop (kasasu refresh runs the day again)"
)
log = logging.getLogger("kasasu.scheduler")


class Periodic:
    """``work`` every ``every`` seconds (the first time ``first_after`` seconds after
    :meth:`start`) in a background thread, until :meth:`stop`; each run under the job's
    database lock and in the job history (kasasu.jobs.tracking): a run that another process
    holds is skipped, a failed one is recorded and the next one comes as planned."""

    def __init__(
        self,
        name: str,
        every: float,
        work: Callable[[], object],
        engine: Engine,
        *,
        first_after: float = 60.0,
    ) -> None:
        self.name, self.every, self.work, self.first_after = name, every, work, first_after
        self.engine, self.holder = engine, holder_name()
        self._ran = False  # a run took the job's lock (and may keep it)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"kasasu-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self._ran and not self._thread.is_alive():  # free for another process's tick
            release(self.engine, f"job:{self.name}", self.holder)

    def _loop(self) -> None:
        wait = self.first_after
        while not self._stop.wait(wait):
            wait = self.every
            try:
                result = run_periodic(
                    self.engine, self.name, self.work, every=self.every, holder=self.holder
                )
                self._ran = self._ran or result is not JobResult.SKIPPED
            except Exception:  # the history itself failed: the next tick comes all the same
                log.exception("%s failed", self.name)


def seconds_until(at: time, zone: str, now: datetime) -> float:
    """Seconds from ``now`` (aware) to the next ``at`` in ``zone``."""
    local = now.astimezone(ZoneInfo(zone))
    target = datetime.combine(local.date(), at, ZoneInfo(zone))
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), at, ZoneInfo(zone))
    return (target - local).total_seconds()


CATCH_UP_AFTER = 30.0  # seconds after the start before a missed refresh of today is caught up


class DailyRefresh:
    """Start with :meth:`start`; :meth:`stop` ends the wait at once (server shutdown).

    Each day at ``at``, that day's refresh (:meth:`run`) under its day's lock: skipped when
    another process holds the day or has refreshed it already (the job history says so),
    tried again after each of ``retries`` seconds while it fails. Then, by the process that
    refreshed it, the warehouse export when set up.

    ``clock`` (aware datetimes, default the system's) says what time it is, so that a test can
    start a minute before the refresh instead of waiting for the real one.
    """

    def __init__(
        self,
        engine: Engine,
        config: RefreshConfig,
        at: time,
        playbooks: PlaybookSetup | None,
        *,
        surveys: SurveyConfig | None = None,
        warm: Reporting | None = None,
        export: ExportSetup | None = None,
        digests: DigestConfig | None = None,
        crm: WritebackConfig | None = None,
        retries: Sequence[float] = (),
        history_days: int = 30,
        catch_up_after: float = CATCH_UP_AFTER,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine, self.config, self.at, self.playbooks = engine, config, at, playbooks
        self.surveys, self.warm, self.export = surveys, warm, export
        self.digests, self.crm = digests, crm
        self.retries, self.history_days = tuple(retries), history_days
        self.catch_up_after = catch_up_after
        self.clock = clock
        self._running: tuple[date, int, datetime] | None = None  # day, attempt, start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kasasu-refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float = 5.0) -> None:
        """End the wait; a refresh running gets ``wait`` seconds, then the process may end
        under it (each of its steps is a transaction: a stopped one leaves nothing half
        written, and its day's lock expires). Such a run is recorded as failed."""
        self._stop.set()
        self._thread.join(timeout=wait)
        running = self._running
        if running is not None and self._thread.is_alive():
            day, attempt, started = running
            log.warning("refresh %s stopped before its end", day)
            self._record(started, JobResult.FAILED, day, attempt, error=STOPPED)

    def _loop(self) -> None:
        zone = self.config.zone
        if self._stop.wait(self.catch_up_after):  # the server answers first
            return
        self._catch_up(zone)
        while not self._stop.wait(seconds_until(self.at, zone, self.clock())):
            day = self.clock().astimezone(ZoneInfo(zone)).date()
            if self.run(day) is JobResult.OK and self.export is not None:
                self._export(day, self.export)

    def _catch_up(self, zone: str) -> None:
        """Today's refresh at the start when its time has passed without it: no process ran
        the schedule then (a restart after 03:00, a worker down overnight). A day scored
        already (by `kasasu refresh`, another process, the demo's backfill) is left alone."""
        now = self.clock().astimezone(ZoneInfo(zone))
        if now.time() < self.at:
            return
        day = now.date()
        with transaction(session_factory(self.engine)) as session:
            if scored_days(session, [day]):
                return
        log.warning("refresh %s: its time (%s) has passed without it, so now", day, self.at)
        if self.run(day) is JobResult.OK and self.export is not None:
            self._export(day, self.export)

    def run(self, day: date) -> JobResult:
        """Refresh ``day``, again after each of the retries' seconds while it fails (a stop
        ends the waiting); the result of the last attempt."""
        for attempt, wait in enumerate((*self.retries, None), start=1):
            result = self._attempt(day, attempt)
            if result is not JobResult.FAILED or wait is None:
                return result
            log.warning("refresh %s: attempt %s failed, again in %s s", day, attempt, wait)
            if self._stop.wait(wait):
                return result
        raise AssertionError("unreachable: the last attempt has no wait")

    def _attempt(self, day: date, attempt: int) -> JobResult:
        started = datetime.now(UTC)
        try:
            with day_lease(self.engine, day) as lease:
                if not isinstance(lease, Lease):  # cron or another process refreshes it now
                    log.warning("refresh %s skipped: %s holds it", day, lease.holder)
                    held_by = process_of(lease.holder) or None
                    self._record(started, JobResult.SKIPPED, day, attempt, held_by=held_by)
                    return JobResult.SKIPPED
                if (done := self._done(day)) is not None:
                    self._record(started, JobResult.SKIPPED, day, attempt, held_by=done.holder)
                    return JobResult.SKIPPED
                self._running = (day, attempt, started)
                try:
                    self._refresh(day, lease)
                finally:
                    self._running = None
                # Recorded inside the lock: the next process to take it sees the day done.
                self._record(started, JobResult.OK, day, attempt)
        except Unavailable as busy:  # the database stayed busy: tried again, no traceback
            log.warning("refresh %s not run: %s", day, busy.message.render("en"))
            self._record(started, JobResult.FAILED, day, attempt, error=error_text(busy))
            return JobResult.FAILED
        except Exception as failure:  # a failed night must not stop the server or the next
            log.exception("refresh %s failed", day)
            self._record(started, JobResult.FAILED, day, attempt, error=error_text(failure))
            return JobResult.FAILED
        self._prune()
        return JobResult.OK

    def _refresh(self, day: date, lease: Lease) -> None:
        ran = run_day(
            self.engine,
            [day],
            self.config,
            self.playbooks,
            today=day,
            keep=lease.keep,
            surveys=self.surveys,
            warm=self.warm,
            digests=self.digests,
            crm=self.crm,
        )
        log.warning("refresh %s: %s accounts scored", day, ran.refresh.scored.get(day, 0))
        if (acted := ran.playbooks) is not None:
            log.warning("playbooks %s: %s fired, %s actions failed", day, acted.fired, acted.failed)

    def _done(self, day: date) -> JobRunRead | None:
        with transaction(session_factory(self.engine)) as session:
            return day_done(session, DAILY_REFRESH, day)

    def _record(
        self,
        started: datetime,
        result: JobResult,
        day: date,
        attempt: int,
        *,
        held_by: str | None = None,
        error: str | None = None,
    ) -> None:
        record_run(
            self.engine,
            DAILY_REFRESH,
            started,
            result,
            day=day,
            attempt=attempt,
            held_by=held_by,
            error=error,
        )

    def _prune(self) -> None:
        """The job history older than ``history_days`` goes, once a day."""
        before = datetime.now(UTC) - timedelta(days=self.history_days)
        try:
            with transaction(session_factory(self.engine), write=True) as session:
                pruned = prune_job_runs(session, before)
            log.info("job history: %s runs before %s pruned", pruned, before.date())
        except Exception:  # tomorrow's prune takes them
            log.exception("job history not pruned")

    def _export(self, day: date, setup: ExportSetup) -> None:
        """The warehouse export of the day just refreshed, in the job history; a failure is
        logged, the next night exports again."""
        started = datetime.now(UTC)
        try:
            written = export_warehouse(self.engine, setup)
            log.warning("export %s: %s rows to %s", day, written.rows, written.directory)
        except Exception as failure:  # a full disk must not stop the server or the next night
            log.exception("export %s failed", day)
            record_run(
                self.engine, WAREHOUSE_EXPORT, started, JobResult.FAILED, day=day,
                error=error_text(failure),
            )  # fmt: skip
            return
        record_run(self.engine, WAREHOUSE_EXPORT, started, JobResult.OK, day=day)
