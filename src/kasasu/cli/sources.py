"""``kasasu sources``: products that send events the Segment way, with their write keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, session_scope, t
from kasasu.intake.service import list_sources, make_source, revoke_source
from kasasu.kit.i18n import N_

sources_app = typer.Typer(
    help=N_(
        "Event sources for Segment's HTTP API at /v1 (track, identify, group, page, batch): "
        "point a Segment or RudderStack library at Kasasu with a source's write key."
    ),
    no_args_is_help=True,
)


@sources_app.command("create", help=N_("Make a source and print its write key once."))
def create(name: Annotated[str, typer.Argument(help=N_("What sends the events"))]) -> None:
    with session_scope() as session:
        made = make_source(session, name)
    console.print(t("Source {name}; its write key is shown only now:", name=made.source.name))
    typer.echo(made.write_key)


@sources_app.command("list", help=N_("The sources: key hint, made, revoked."))
def list_command() -> None:
    with session_scope() as session:
        found = list_sources(session)
    table = Table()
    for column in (t("Name"), t("Key"), t("Created"), t("Revoked")):
        table.add_column(column)
    for s in found:
        revoked = s.revoked_at.strftime("%Y-%m-%d %H:%MZ") if s.revoked_at else "—"
        table.add_row(s.name, f"{s.key_hint}…", s.created_at.strftime("%Y-%m-%d"), revoked)
    console.print(table)


@sources_app.command("revoke", help=N_("Stop a source's write key at once."))
def revoke(name: Annotated[str, typer.Argument(help=N_("The source's name"))]) -> None:
    with session_scope() as session:
        revoke_source(session, name)
    console.print(t("Source {name} revoked: its key is refused from now on.", name=name))
