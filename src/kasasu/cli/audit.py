"""``kasasu audit prune``: the audit log's retention, the one way entries are ever deleted."""

from __future__ import annotations

from typing import Annotated

import typer

from kasasu.audit.service import prune_before
from kasasu.cli.common import cli_origin, console, session_scope, settings, t
from kasasu.domain.dates import parse_date
from kasasu.kit.i18n import N_

audit_app = typer.Typer(
    help=N_("The audit log: who changed what, when and from where (append-only)."),
    no_args_is_help=True,
)


@audit_app.command(
    "prune",
    help=N_(
        "Delete the audit log's entries from before a day (00:00 in the reporting time zone). "
        "The prune is recorded first (who, when, up to which day, how many entries); the "
        "database refuses any other update or deletion of the log."
    ),
)
def prune(
    before: Annotated[str, typer.Option(help=N_("Keep entries from this day on (YYYY-MM-DD)"))],
    yes: Annotated[bool, typer.Option("--yes", help=N_("Do not ask for confirmation"))] = False,
) -> None:
    day = parse_date(before)
    if not yes:
        typer.confirm(
            t("Delete every audit log entry before {day}?", day=day.isoformat()), abort=True
        )
    zone = settings().timezone
    with session_scope() as session:
        result = prune_before(session, day, zone, cli_origin().actor_name)
    console.print(
        t(
            "{n} audit log entries before {day} deleted",
            n=f"{result.entries:,}",
            day=day.isoformat(),
        )
    )
