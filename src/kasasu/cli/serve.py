"""``kasasu serve``: the web app and API on one port, in one process or several; with the
schedule (jobs/schedule.py) running beside them unless ``kasasu worker`` runs it."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

import typer

from kasasu.cli.common import console, require_migrated, settings, t
from kasasu.cli.worker import announce_schedule
from kasasu.db import create_db_engine
from kasasu.kit.i18n import N_
from kasasu.kit.logs import configure_logging, logging_config
from kasasu.kit.metrics import prepare_multiprocess_dir
from kasasu.wiring import schedule_setup

APP_FACTORY = "kasasu.app:create_app_from_env"  # what each process of --workers N builds


def serve(
    host: Annotated[str | None, typer.Option(help=N_("Interface to listen on"))] = None,
    port: Annotated[int | None, typer.Option(help=N_("Port to listen on"))] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help=N_(
                "Server processes sharing the port (default KASASU_SERVER__WORKERS, 1); the "
                "schedule runs once, in the process that starts them"
            ),
        ),
    ] = None,
) -> None:
    import uvicorn

    from kasasu.cli.serving import STARTUP_FAILURE, Server, serve_in_processes

    config = settings()
    config.check_secret()
    config.check_sign_in()
    configure_logging(config.log_format)  # KASASU_LOG_FORMAT, for the schedule's lines too
    prepare_multiprocess_dir()  # PROMETHEUS_MULTIPROC_DIR, when set (docs/operations.md)
    engine = create_db_engine(config.database_url)
    try:
        require_migrated(engine)
    finally:
        engine.dispose()
    host = host or config.server.host
    port = port or config.server.port
    workers = workers or config.server.workers

    def listening(app: Any, **more: Any) -> uvicorn.Config:
        return uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            log_config=logging_config(config.log_format),  # uvicorn's lines too, per process
            timeout_graceful_shutdown=config.server.graceful_shutdown_seconds,
            server_header=False,  # "server: uvicorn" tells an attacker what to look up
            **more,
        )

    single = None
    if workers == 1:  # built here, before the schedule starts; each child builds its own
        from kasasu.app import create_app

        single = Server(listening(create_app(config)), threads=config.server.threads)
    console.print(t("Kasasu is serving on {url}", url=f"http://{host}:{port}"))
    if workers > 1:
        console.print(t("{n} server processes share the port", n=workers))
    schedule = None
    if config.refresh.scheduled:
        from kasasu.jobs.schedule import build_schedule

        setup = schedule_setup(config)
        schedule = build_schedule(setup)
        schedule.start()
        announce_schedule(setup)
    try:
        if single is None:
            if not serve_in_processes(listening(APP_FACTORY, factory=True, workers=workers)):
                raise typer.Exit(STARTUP_FAILURE)
            return
        with suppress(KeyboardInterrupt):  # as uvicorn.run: a second Ctrl+C
            single.run()
        if not single.started:
            raise typer.Exit(STARTUP_FAILURE)
    finally:
        if schedule is not None:
            schedule.stop()
