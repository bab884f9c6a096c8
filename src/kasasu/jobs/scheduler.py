"""The daily refresh inside ``kasasu serve``: a background thread that wakes at the
configured local time, refreshes that day (KASASU_REFRESH__AT, default 03:00), runs the
playbooks for it and then, when KASASU_EXPORT__PARQUET_DIR is set, writes the warehouse
export."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from kasasu.domain.reporting import Reporting
from kasasu.errors import Unavailable
from kasasu.health.features import RefreshConfig
from kasasu.jobs.daily import run_day
from kasasu.jobs.digests import DigestConfig
from kasasu.jobs.export import ExportSetup, export_warehouse
from kasasu.jobs.locking import refresh_lock
from kasasu.jobs.playbooks import PlaybookSetup
from kasasu.jobs.writeback import WritebackConfig
from kasasu.surveys.config import SurveyConfig

log = logging.getLogger("kasasu.scheduler")


class Periodic:
    """``work`` every ``every`` seconds (the first time ``first_after`` seconds after
    :meth:`start`) in a background thread, until :meth:`stop`; a failed run is logged and
    the next one comes as planned."""

    def __init__(
        self, name: str, every: float, work: Callable[[], object], *, first_after: float = 60.0
    ) -> None:
        self.name, self.every, self.work, self.first_after = name, every, work, first_after
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"kasasu-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        wait = self.first_after
        while not self._stop.wait(wait):
            wait = self.every
            try:
                self.work()
            except Unavailable as busy:  # the database is busy: the next run catches up
                log.warning("%s skipped: %s", self.name, busy.message.render("en"))
            except Exception:  # a failed run must not stop the server or the next run
                log.exception("%s failed", self.name)


def seconds_until(at: time, zone: str, now: datetime) -> float:
    """Seconds from ``now`` (aware) to the next ``at`` in ``zone``."""
    local = now.astimezone(ZoneInfo(zone))
    target = datetime.combine(local.date(), at, ZoneInfo(zone))
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), at, ZoneInfo(zone))
    return (target - local).total_seconds()


class DailyRefresh:
    """Start with :meth:`start`; :meth:`stop` ends the wait at once (server shutdown).

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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine, self.config, self.at, self.playbooks = engine, config, at, playbooks
        self.surveys, self.warm, self.export = surveys, warm, export
        self.digests, self.crm = digests, crm
        self.clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kasasu-refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        zone = self.config.zone
        while not self._stop.wait(seconds_until(self.at, zone, self.clock())):
            day = self.clock().astimezone(ZoneInfo(zone)).date()
            try:
                with refresh_lock(self.engine, [day]) as lease:
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
                    scored = ran.refresh.scored.get(day, 0)
                    log.warning("refresh %s: %s accounts scored", day, scored)
                    if (acted := ran.playbooks) is not None:
                        log.warning(
                            "playbooks %s: %s fired, %s actions failed",
                            day,
                            acted.fired,
                            acted.failed,
                        )
            except Unavailable as busy:  # cron (or another server) refreshes that day now
                log.warning("refresh %s skipped: %s", day, busy.message.render("en"))
                continue
            except Exception:  # a failed night must not stop the server or the next night
                log.exception("refresh %s failed", day)
                continue
            if self.export is not None:
                self._export(day, self.export)

    def _export(self, day: date, setup: ExportSetup) -> None:
        """The warehouse export of the day just refreshed; a failure is logged, the next
        night exports again."""
        try:
            written = export_warehouse(self.engine, setup)
            log.warning("export %s: %s rows to %s", day, written.rows, written.directory)
        except Exception:  # a full disk must not stop the server or the next night
            log.exception("export %s failed", day)
