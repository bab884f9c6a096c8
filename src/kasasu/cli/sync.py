"""``kasasu sync``: the connectors' state, and backfills from a system's exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from kasasu.cli.common import (
    console,
    err_console,
    fail,
    require_migrated,
    session_scope,
    settings,
    t,
)
from kasasu.connectors.runs import sync_status
from kasasu.connectors.schemas import ConnectorStatus
from kasasu.db import create_db_engine
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportOptions
from kasasu.kit.i18n import N_, _

sync_app = typer.Typer(
    help=N_("Connectors: their last runs (status) and backfills from exports."),
    no_args_is_help=True,
)


@sync_app.command(
    "status", help=N_("Each connector's last run: when, rows applied, errors with their ref.")
)
def status() -> None:
    with session_scope() as session:
        found = sync_status(session)
    show_status(found)


def show_status(found: list[ConnectorStatus]) -> None:
    if not found:
        console.print(t("No connector has run yet."))
        return
    locale = settings().locale
    table = Table()
    for column in (t("Connector"), t("Last run"), t("Rows"), t("Errors"), t("Detail")):
        table.add_column(column)
    for c in found:
        when = c.last_run.strftime("%Y-%m-%d %H:%MZ") if c.last_run else "—"
        table.add_row(c.connector, when, str(c.rows), str(c.error_count), c.detail or "")
    console.print(table)
    for c in found:
        for e in c.errors:
            console.print(f"  {c.connector} · {e.ref}: {e.text(locale)}", highlight=False)
        hidden = c.error_count - len(c.errors)
        if hidden > 0:
            console.print(t("  … and {count} more", count=hidden))


@sync_app.command("profiles", help=N_("The import profiles for other systems' exports."))
def profiles_command() -> None:
    from kasasu.imports.profiles import profiles

    table = Table()
    for column in (t("Profile"), t("System"), t("Import kind"), t("Export"), t("Sample")):
        table.add_column(column)
    for p in profiles().values():
        table.add_row(p.name, p.vendor, p.kind.value, p.export, f"examples/connectors/{p.sample}")
    console.print(table)


@sync_app.command(
    "file", help=N_("Import another system's export with a profile, and record the run.")
)
def file_command(
    profile: Annotated[str, typer.Argument(help=N_("The profile, e.g. hubspot-companies"))],
    file: Annotated[Path, typer.Argument(help=N_("The export file"), exists=True)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Only check the file; write nothing"))
    ] = False,
) -> None:
    from kasasu.cli.imports import error_rows, error_table
    from kasasu.jobs.connectors import sync_file

    config = settings()
    options = ImportOptions(zone=config.timezone, currency=config.currency, dry_run=dry_run)
    engine = _engine()
    try:
        done = sync_file(engine, profile, file, options)
    except InvalidInput as refused:
        if refused.errors:
            err_console.print(error_table(error_rows(refused)))
        raise fail(InvalidInput(refused.message)) from None
    finally:
        engine.dispose()
    console.print(t("{profile}: {rows} rows applied", profile=profile, rows=done.rows))


@sync_app.command(
    "drop", help=N_("Import the files waiting in KASASU_CONNECTORS__DROP_DIR/<profile>/ now.")
)
def drop_command() -> None:
    from kasasu.jobs.connectors import DropConfig, sync_drop

    config = settings()
    folder = config.connectors.drop_dir
    if folder is None or not folder.is_dir():
        raise fail(InvalidInput(_("Set KASASU_CONNECTORS__DROP_DIR to an existing folder")))
    engine = _engine()
    try:
        done = sync_drop(engine, DropConfig(folder, config.timezone, config.currency))
    finally:
        engine.dispose()
    with session_scope() as session:
        show_status(sync_status(session))
    console.print(t("{count} files imported", count=len(done)))


@sync_app.command("stripe", help=N_("Backfill from the Stripe Dashboard's CSV exports."))
def stripe_command(
    from_export: Annotated[
        Path,
        typer.Option(
            "--from-export",
            help=N_("Folder with customers.csv, subscriptions.csv, invoices.csv"),
            exists=True,
            file_okay=False,
        ),
    ],
) -> None:
    from kasasu.cli.imports import progress_bars
    from kasasu.jobs.connectors import sync_stripe_export

    config = settings()
    engine = _engine()
    try:
        with progress_bars() as report:
            done = sync_stripe_export(engine, from_export, config.timezone, config.currency, report)
    finally:
        engine.dispose()
    console.print(t("Stripe: {rows} rows applied", rows=done.rows))
    locale = config.locale
    for e in done.errors:
        console.print(f"  {e.ref}: {e.text(locale)}", highlight=False)


def _engine() -> Engine:
    engine = create_db_engine(settings().database_url)
    require_migrated(engine)
    return engine
