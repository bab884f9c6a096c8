"""The schedule, defined once for ``kasasu worker`` and the scheduler inside ``kasasu serve``:
the daily refresh and the periodic jobs (the customer's reminders and event mails, the
connectors' drop folder and feeds). Any number of processes may run it against one database:
each run takes its job's lock there, so each job runs once (kasasu.jobs.tracking).

The settings become a :class:`ScheduleSetup` in ``kasasu.wiring.schedule_setup``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from sqlalchemy import Engine

from kasasu.connectors.schemas import Feed
from kasasu.db import create_db_engine
from kasasu.domain.reporting import Reporting
from kasasu.health.features import RefreshConfig
from kasasu.imports.schemas import ImportOptions
from kasasu.jobruns.schemas import CONNECTOR_DROPS, CONNECTOR_FEEDS, PAGES, REMINDERS
from kasasu.jobs.connectors import DropConfig, sync_drop, sync_feeds
from kasasu.jobs.digests import DigestConfig
from kasasu.jobs.export import ExportSetup
from kasasu.jobs.playbooks import PlaybookSetup
from kasasu.jobs.reminders import remind_customers
from kasasu.jobs.scheduler import DailyRefresh, Periodic
from kasasu.jobs.warm import warm_pages
from kasasu.jobs.webinars import remind_event_guests
from kasasu.jobs.writeback import WritebackConfig
from kasasu.onboarding.config import ReminderConfig
from kasasu.surveys.config import SurveyConfig
from kasasu.webinars.mails import EventMailConfig

PAGES_FIRST_AFTER = 30.0  # seconds after the start: the server and its first visitors first


@dataclass(frozen=True)
class ScheduleSetup:
    database_url: str
    refresh: RefreshConfig
    at: time  # the daily refresh's local time
    retries: tuple[float, ...]  # seconds before each new try of a failed refresh
    history_days: int  # the job history kept
    warm: Reporting  # as whom the pages are computed ahead
    surveys: SurveyConfig
    reminders: ReminderConfig
    event_mails: EventMailConfig
    reminders_every: float  # seconds
    import_options: ImportOptions
    playbooks: PlaybookSetup | None = None  # None: switched off
    digests: DigestConfig | None = None
    crm: WritebackConfig | None = None
    export: ExportSetup | None = None
    drop_dir: Path | None = None  # None: no drop folder
    drop_every: float = 300.0
    feeds: list[Feed] = field(default_factory=list)
    feed_every: float = 3600.0
    pages_every: float = 1800.0  # seconds between checks that the costly pages are stored; 0: never


@dataclass
class Schedule:
    daily: DailyRefresh
    periodic: list[Periodic]
    engines: list[Engine]

    def start(self) -> None:
        self.daily.start()
        for job in self.periodic:
            job.start()

    def stop(self) -> None:
        """Stop waiting for the next runs; a run in progress gets a few seconds to end."""
        self.daily.stop()
        for job in self.periodic:
            job.stop()
        for engine in self.engines:
            engine.dispose()


def build_schedule(setup: ScheduleSetup, *, first_after: float = 60.0) -> Schedule:
    """The daily refresh and the periodic jobs the setup asks for, not started; each job
    has an engine of its own. ``first_after``: seconds before the periodic jobs' first run."""
    engines: list[Engine] = []

    def engine() -> Engine:
        engines.append(create_db_engine(setup.database_url))
        return engines[-1]

    daily = DailyRefresh(
        engine(),
        setup.refresh,
        setup.at,
        setup.playbooks,
        surveys=setup.surveys,
        warm=setup.warm,
        export=setup.export,
        digests=setup.digests,
        crm=setup.crm,
        retries=setup.retries,
        history_days=setup.history_days,
    )
    reminding = engine()

    def remind() -> None:
        remind_customers(reminding, setup.reminders)
        remind_event_guests(reminding, setup.event_mails)  # invitations, reminders, no-shows

    # The pages that compute over every account (dashboard, KPI pages...), computed ahead
    # soon after the start and again when their data changed: the first visit after a
    # restart, an import or a refresh run without them (`kasasu refresh --no-pages`, as
    # `make demo` runs it) reads them instead of waiting.
    periodic = [
        Periodic(REMINDERS, setup.reminders_every, remind, reminding, first_after=first_after)
    ]
    if setup.pages_every > 0:
        warming = engine()
        periodic.append(
            Periodic(
                PAGES,
                setup.pages_every,
                lambda: warm_pages(warming, setup.warm, setup.refresh.source),
                warming,
                first_after=min(first_after, PAGES_FIRST_AFTER),
            )
        )
    if setup.drop_dir is not None:
        dropping, drop = engine(), DropConfig(setup.drop_dir, setup.import_options)
        periodic.append(
            Periodic(
                CONNECTOR_DROPS,
                setup.drop_every,
                lambda: sync_drop(dropping, drop),
                dropping,
                first_after=first_after,
            )
        )
    if setup.feeds:
        fetching, wanted = engine(), setup.feeds
        periodic.append(
            Periodic(
                CONNECTOR_FEEDS,
                setup.feed_every,
                lambda: sync_feeds(fetching, wanted, setup.import_options),
                fetching,
                first_after=first_after,
            )
        )
    return Schedule(daily, periodic, engines)
