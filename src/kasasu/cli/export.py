"""``kasasu export parquet DIR``: the warehouse export (docs/warehouse.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.cli.export_crm import crm
from kasasu.domain.dates import parse_date
from kasasu.export.schemas import Progress as OnProgress
from kasasu.export.service import export_parquet
from kasasu.kit.i18n import N_

export_app = typer.Typer(
    help=N_(
        "Export Kasasu's data: 'kasasu export parquet DIR' for BI tools and Spark "
        "(docs/warehouse.md), 'kasasu export crm' for a CRM's import."
    ),
    no_args_is_help=True,
)


@contextmanager
def _bars() -> Iterator[OnProgress]:
    """One Rich bar per table, in rows."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    bars = Progress(*columns, TimeElapsedColumn(), console=console)
    tasks: dict[str, TaskID] = {}

    def report(table: str, done: int, total: int) -> None:
        if table not in tasks:
            tasks[table] = bars.add_task(table, total=total)
        bars.update(tasks[table], completed=done, total=total)

    with bars:
        yield report


@export_app.command(
    "parquet",
    help=N_(
        "Every table (but secrets) and the usage events as Parquet under DIR, with "
        "_schema.json: the daily snapshots and the events partitioned by day "
        "(day=YYYY-MM-DD), the other tables one file each. Each table is replaced whole; "
        "re-running is safe."
    ),
)
def parquet(
    directory: Annotated[Path, typer.Argument(help=N_("Directory to write (created if missing)"))],
    tables: Annotated[
        list[str] | None,
        typer.Option("--tables", help=N_("Only these tables (repeat it or separate with commas)")),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "Tables partitioned by day: rewrite only the days from this one on, e.g. "
                "2026-11-01 (the usage events: UTC days); the earlier days stay"
            )
        ),
    ] = None,
) -> None:
    config = settings()
    chosen = [name.strip() for item in tables or [] for name in item.split(",") if name.strip()]
    first = parse_date(since) if since else None
    with session_scope() as session, _bars() as report:
        result = export_parquet(
            session, config.events_path, directory, tables=chosen, since=first, progress=report
        )
    summary = Table()
    for column in (t("Table"), t("Rows"), t("Days")):
        summary.add_column(column)
    for table in result.tables:
        days = "—" if table.days is None else f"{table.days:,}"
        summary.add_row(table.name, f"{table.rows:,}", days)
    console.print(summary)
    console.print(
        t(
            "{rows} rows in {tables} tables written to {path}",
            rows=f"{result.rows:,}",
            tables=len(result.tables),
            path=str(directory),
        )
    )


export_app.command(
    "crm",
    help=N_(
        "Each account's health score, band, churn risk and CSM in the columns a HubSpot or "
        "Salesforce import reads, matched on the account's id there (HubSpot: else its "
        "domain): 'kasasu export crm --format hubspot|salesforce [--csv|--json] FILE' "
        "(docs/crm-write-back.md)."
    ),
)(crm)
