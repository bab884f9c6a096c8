"""``kasasu segments``: saved rules over accounts (load from YAML, list, members)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from kasasu.cli.common import console, session_scope, t
from kasasu.cli.refresh import today_local
from kasasu.domain.dates import parse_date
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import N_, _
from kasasu.segments.service import list_segments, save_segment, segment_members, validate_segment

segments_app = typer.Typer(
    help=N_("Segments: saved rules over account fields, features and health."),
    no_args_is_help=True,
)


@segments_app.command("load", help=N_("Validate a YAML list of segments and store them."))
def load(path: Annotated[Path, typer.Argument(help=N_("The YAML file"))]) -> None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(
            _("{where}: not valid YAML ({problem})", where=str(path), problem=str(exc))
        ) from exc
    if not isinstance(data, list):
        raise InvalidInput(_("{path}: write a list of segments", path=str(path)))
    segments = [validate_segment(item, f"{path.name}[{i}]") for i, item in enumerate(data)]
    with session_scope() as session:
        for segment in segments:
            save_segment(session, segment)
    console.print(t("{n} segments stored; they are evaluated at the next refresh", n=len(segments)))


@segments_app.command("list", help=N_("The segments and their members after the last refresh."))
def list_command() -> None:
    with session_scope() as session:
        found = list_segments(session)
    table = Table(t("Name"), t("Rule"), t("Accounts"))
    for s in found:
        table.add_row(s.name, s.rule, f"{s.members:,}")
    console.print(table)


@segments_app.command("members", help=N_("The accounts in a segment on a day."))
def members(
    name: Annotated[str, typer.Argument(help=N_("Segment name"))],
    as_of: Annotated[str | None, typer.Option(help=N_("The day (default: today)"))] = None,
) -> None:
    day = parse_date(as_of) if as_of else today_local()
    with session_scope() as session:
        ids = segment_members(session, name, day)
    console.print(t("{n} accounts", n=f"{len(ids):,}"))
    console.print(" ".join(str(i) for i in ids), highlight=False)
