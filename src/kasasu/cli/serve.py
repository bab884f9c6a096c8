"""``kasasu serve``: the web app and API on one port."""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress
from typing import TYPE_CHECKING, Annotated

import typer

from kasasu.cli.common import console, require_migrated, settings, t
from kasasu.db import create_db_engine
from kasasu.jobs.reminders import remind_customers
from kasasu.jobs.scheduler import DailyRefresh, Periodic
from kasasu.kit import deadline
from kasasu.kit.i18n import N_
from kasasu.settings import Settings
from kasasu.wiring import (
    digest_config,
    export_setup,
    playbook_setup,
    refresh_config,
    reminder_config,
    survey_config,
    writeback_config,
)

if TYPE_CHECKING:
    import uvicorn

STARTUP_FAILURE = 3  # uvicorn's exit status when it cannot listen


def serve(
    host: Annotated[str | None, typer.Option(help=N_("Interface to listen on"))] = None,
    port: Annotated[int | None, typer.Option(help=N_("Port to listen on"))] = None,
) -> None:
    import uvicorn

    from kasasu.app import create_app

    config = settings()
    config.check_secret()
    config.check_sign_in()
    engine = create_db_engine(config.database_url)
    try:
        require_migrated(engine)
    finally:
        engine.dispose()
    host = host or config.server.host
    port = port or config.server.port
    app = create_app(config)
    console.print(t("Kasasu is serving on {url}", url=f"http://{host}:{port}"))
    daily = None
    reminders: Periodic | None = None
    drops: list[Periodic] = []
    if config.refresh.scheduled:
        daily = DailyRefresh(
            create_db_engine(config.database_url),
            refresh_config(config),
            config.refresh.at,
            playbook_setup(config) if config.playbooks.enabled else None,
            surveys=survey_config(config),
            warm=config.reporting(),
            export=export_setup(config),
            digests=digest_config(config) if config.digest.enabled else None,
            crm=writeback_config(config),
        )
        daily.start()
        reminders = _reminders(config)
        reminders.start()
        drops = [p for p in (_drops(config), _feeds(config)) if p is not None]
        for periodic in drops:
            periodic.start()
        console.print(
            t(
                "The daily refresh runs at {at} ({zone})",
                at=config.refresh.at.strftime("%H:%M"),
                zone=config.timezone,
            )
        )
        if daily.export is not None:
            console.print(
                t(
                    "After it, the warehouse export is written to {path}",
                    path=str(daily.export.directory),
                )
            )
    try:
        server = _server_class()(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                log_level="warning",
                timeout_graceful_shutdown=config.server.graceful_shutdown_seconds,
                server_header=False,  # "server: uvicorn" tells an attacker what to look up
            )
        )
        with suppress(KeyboardInterrupt):  # as uvicorn.run: a second Ctrl+C
            server.run()
        if not server.started:
            raise typer.Exit(STARTUP_FAILURE)
    finally:
        if daily is not None:
            daily.stop()
        if reminders is not None:
            reminders.stop()
        for periodic in drops:
            periodic.stop()


def _reminders(config: Settings) -> Periodic:
    """The customer's onboarding reminders, every few minutes (under their own lock)."""
    from kasasu.jobs.webinars import remind_event_guests
    from kasasu.wiring import event_mail_config

    engine, remind = create_db_engine(config.database_url), reminder_config(config)
    events = event_mail_config(config)
    every = config.onboarding.reminders_every_minutes * 60.0

    def run() -> None:
        remind_customers(engine, remind)
        remind_event_guests(engine, events)  # event invitations, reminders and no-shows

    return Periodic("onboarding-reminders", every, run)


def _drops(config: Settings) -> Periodic | None:
    """The connectors' drop folder, every few minutes, when KASASU_CONNECTORS__DROP_DIR is
    set."""
    from kasasu.jobs.connectors import DropConfig, sync_drop
    from kasasu.wiring import import_options

    folder = config.connectors.drop_dir
    if folder is None:
        return None
    engine, drop = (
        create_db_engine(config.database_url),
        DropConfig(folder, import_options(config)),
    )
    every = config.connectors.drop_every_minutes * 60.0
    return Periodic("connector-drops", every, lambda: sync_drop(engine, drop))


def _feeds(config: Settings) -> Periodic | None:
    """The exports fetched from URLs (KASASU_CONNECTORS__FEEDS), every hour by default."""
    from kasasu.jobs.connectors import sync_feeds
    from kasasu.wiring import feeds, import_options

    wanted = feeds(config)
    if not wanted:
        return None
    engine, options = create_db_engine(config.database_url), import_options(config)
    every = config.connectors.feed_every_minutes * 60.0
    return Periodic("connector-feeds", every, lambda: sync_feeds(engine, wanted, options))


def _server_class() -> type[uvicorn.Server]:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, which on SIGTERM gives the requests in flight the graceful time,
        then cancels them; a second before that, the reads still running are stopped
        (kasasu.kit.deadline), so their clients get a 503 with Retry-After rather than a
        dropped connection, and no worker thread keeps the process alive."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            grace = self.config.timeout_graceful_shutdown or 0
            stop = asyncio.get_running_loop().call_later(
                max(0, grace - 1), deadline.cancel_running, deadline.SHUTDOWN
            )
            try:
                await super().shutdown(sockets)
            finally:
                stop.cancel()

    return Server
