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
from kasasu.connectors.schemas import ConnectorStatus, Feed
from kasasu.db import create_db_engine
from kasasu.errors import InvalidInput
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

    own = settings().connectors.profiles_file
    table = Table()
    for column in (t("Profile"), t("System"), t("Import kind"), t("Export"), t("Sample")):
        table.add_column(column)
    shipped = profiles()
    for p in profiles(own).values():
        # Kasasu's samples are in examples/; an own profile's sample is where its file says.
        sample = f"examples/connectors/{p.sample}" if p.name in shipped else p.sample
        table.add_row(p.name, p.vendor, p.kind.value, p.export, sample)
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
    from kasasu.wiring import import_options

    options = import_options(settings(), dry_run=dry_run)
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
    "url", help=N_("Fetch another system's export from a URL and import it with a profile.")
)
def url_command(
    profile: Annotated[str, typer.Argument(help=N_("The profile, e.g. hubspot-companies"))],
    url: Annotated[str, typer.Argument(help=N_("The export's http(s) URL"))],
    header: Annotated[
        list[str] | None,
        typer.Option("--header", help=N_("A request header, 'Name: value' (repeatable)")),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Only check the file; write nothing"))
    ] = False,
) -> None:
    from kasasu.connectors.schemas import Feed
    from kasasu.kit.net import parse_allowed

    config = settings()
    headers = dict(_header(h) for h in header or [])
    allowed = parse_allowed(config.connectors.feed_hosts.split(","))
    feed = Feed(profile=profile, url=url, headers=headers, allowed=allowed)
    _run_feeds([feed], dry_run=dry_run)


@sync_app.command("feeds", help=N_("Fetch and import the exports of KASASU_CONNECTORS__FEEDS now."))
def feeds_command() -> None:
    from kasasu.wiring import feeds

    wanted = feeds(settings())
    if not wanted:
        raise fail(InvalidInput(_("Set KASASU_CONNECTORS__FEEDS (profile → URL, as JSON)")))
    _run_feeds(wanted)


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise fail(InvalidInput(_("Write a header as 'Name: value': {value}", value=text)))
    return name.strip(), value.strip()


def _run_feeds(feeds: list[Feed], *, dry_run: bool = False) -> None:
    from kasasu.cli.imports import error_rows, error_table
    from kasasu.jobs.connectors import sync_url
    from kasasu.wiring import import_options

    config = settings()
    options = import_options(config, dry_run=dry_run)
    engine, failed = _engine(), 0
    try:
        for feed in feeds:
            try:
                done = sync_url(engine, feed, options)
            except InvalidInput as refused:
                if refused.errors:
                    err_console.print(error_table(error_rows(refused)))
                message = refused.message.render(config.locale)
                err_console.print(f"[red]✗[/] {feed.profile}: {message}", highlight=False)
                failed += 1
                continue
            if done.unchanged:
                console.print(t("{profile}: unchanged since its last import", profile=feed.profile))
            else:
                console.print(t("{profile}: {rows} rows applied", profile=feed.profile,
                                rows=done.rows))  # fmt: skip
    finally:
        engine.dispose()
    if failed:
        raise fail(InvalidInput(_("{count} of the exports were not imported", count=failed)))


@sync_app.command(
    "drop", help=N_("Import the files waiting in KASASU_CONNECTORS__DROP_DIR/<profile>/ now.")
)
def drop_command() -> None:
    from kasasu.jobs.connectors import DropConfig, sync_drop
    from kasasu.wiring import import_options

    config = settings()
    folder = config.connectors.drop_dir
    if folder is None or not folder.is_dir():
        raise fail(InvalidInput(_("Set KASASU_CONNECTORS__DROP_DIR to an existing folder")))
    engine = _engine()
    try:
        done = sync_drop(engine, DropConfig(folder, import_options(config)))
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
