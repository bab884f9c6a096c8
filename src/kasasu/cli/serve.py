"""``kasasu serve``: the web app and API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from kasasu.cli.common import console, require_migrated, settings, t
from kasasu.db import create_db_engine
from kasasu.jobs.playbooks import playbook_setup
from kasasu.jobs.refresh import refresh_config
from kasasu.jobs.scheduler import DailyRefresh
from kasasu.kit.i18n import N_


def serve(
    host: Annotated[str | None, typer.Option(help=N_("Interface to listen on"))] = None,
    port: Annotated[int | None, typer.Option(help=N_("Port to listen on"))] = None,
) -> None:
    import uvicorn

    from kasasu.app import create_app

    config = settings()
    config.check_secret()
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
    if config.refresh.scheduled:
        daily = DailyRefresh(
            create_db_engine(config.database_url),
            refresh_config(config),
            config.refresh.at,
            playbook_setup(config) if config.playbooks.enabled else None,
        )
        daily.start()
        console.print(
            t(
                "The daily refresh runs at {at} ({zone})",
                at=config.refresh.at.strftime("%H:%M"),
                zone=config.timezone,
            )
        )
    try:
        # After SIGTERM, requests in flight get the graceful time; then uvicorn cancels them,
        # which stops their work (kasasu.kit.deadline), so the process ends.
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=config.server.graceful_shutdown_seconds,
        )
    finally:
        if daily is not None:
            daily.stop()
