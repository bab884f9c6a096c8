"""``kasasu worker``: the schedule (jobs/schedule.py) in a process of its own, until SIGTERM
or SIGINT. Several workers, and servers running their embedded scheduler, may run against
one database: each job runs once (kasasu.jobs.tracking)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from kasasu.cli.common import console, require_migrated, settings, t
from kasasu.db import create_db_engine
from kasasu.jobs.locking import process_name
from kasasu.jobs.schedule import ScheduleSetup, build_schedule
from kasasu.kit.logs import configure_logging
from kasasu.kit.metrics import prepare_multiprocess_dir
from kasasu.wiring import schedule_setup

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def worker() -> None:
    config = settings()
    config.check_secret()  # it signs the playbooks' webhooks as the server does
    engine = create_db_engine(config.database_url)
    try:
        require_migrated(engine)
    finally:
        engine.dispose()
    configure_logging(config.log_format)  # before anything logs
    prepare_multiprocess_dir()  # PROMETHEUS_MULTIPROC_DIR, when set: the runs' metrics there
    setup = schedule_setup(config)
    schedule = build_schedule(setup)
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    console.print(t("Kasasu worker {name} runs the scheduled jobs", name=process_name()))
    schedule.start()
    announce_schedule(setup)
    try:
        while not stopping.wait(1.0):  # a wait with a timeout lets the handler run
            pass
    finally:
        schedule.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print(t("Kasasu worker stopped"))


def announce_schedule(setup: ScheduleSetup) -> None:
    console.print(
        t(
            "The daily refresh runs at {at} ({zone})",
            at=setup.at.strftime("%H:%M"),
            zone=setup.refresh.zone,
        )
    )
    if setup.export is not None:
        console.print(
            t(
                "After it, the warehouse export is written to {path}",
                path=str(setup.export.directory),
            )
        )
