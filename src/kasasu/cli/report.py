"""``kasasu report``: the KPI workbook (.xlsx) of a month, for a CS leader to forward."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.domain.periods import parse_month
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import N_, _
from kasasu.warehouse.source import AnalyticsSource


def report_command(
    period: Annotated[str, typer.Option(help=N_("The month of the report, e.g. 2026-03"))],
    out: Annotated[Path, typer.Option(help=N_("The Excel file to write (.xlsx)"))],
    force: Annotated[bool, typer.Option(help=N_("Replace the file if it exists"))] = False,
) -> None:
    # openpyxl is loaded for this command only; every other command starts faster.
    from kasasu.workspace.report import kpi_workbook

    config = settings()
    month = parse_month(period)
    _check_target(out, force=force)
    # Twelve months of every KPI take a while on a large base: show that work is going on.
    busy = t("Computing the KPIs for {period}…", period=f"{month:%Y-%m}")
    with console.status(busy), session_scope() as session:
        source = AnalyticsSource(events_path=config.events_path)  # the embedded copy, as the server
        content, count = kpi_workbook(session, month, config.reporting(), source)
    try:
        # "x" creates the file only if it is still absent, so nothing is overwritten by a race.
        with out.open("wb" if force else "xb") as handle:
            handle.write(content)
    except FileExistsError:
        raise _exists(out) from None
    console.print(t("Wrote {path} ({count} sheets)", path=str(out), count=count), highlight=False)


def _check_target(out: Path, *, force: bool) -> None:
    """Fail before the long computation, not after it."""
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput(_("The report file must end in .xlsx: {path}", path=str(out)))
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {path} does not exist", path=str(out.parent)))
    if out.exists() and not force:
        raise _exists(out)


def _exists(out: Path) -> InvalidInput:
    return InvalidInput(_("{path} already exists; add --force to replace it", path=str(out)))
