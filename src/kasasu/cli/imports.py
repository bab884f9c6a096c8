"""``kasasu import KIND FILE``: customer data from CSV, Excel or JSON Lines."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from kasasu.cli.common import console, err_console, fail, session_scope, settings, t
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind, ImportOptions, ImportResult, RowError
from kasasu.imports.schemas import Progress as ProgressFn
from kasasu.kit.i18n import N_, Message

SHOWN_ERRORS = 50


def import_command(
    kind: Annotated[ImportKind, typer.Argument(help=N_("What the file holds"))],
    file: Annotated[
        Path, typer.Argument(help=N_(".csv (UTF-8 or Shift_JIS), .xlsx or .jsonl"), exists=True)
    ],
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help=N_("Write the good rows; list the bad ones"))
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Only check the file; write nothing"))
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help=N_("Read a field from another column: field=Header (repeatable)")
        ),
    ] = None,
) -> None:
    # Loaded for this command only (readers for CSV, Excel, JSON Lines): others start faster.
    from kasasu.imports.service import import_file, parse_overrides

    config = settings()
    try:
        options = ImportOptions(
            zone=config.timezone,
            currency=config.currency,
            skip_bad_rows=skip_bad_rows,
            dry_run=dry_run,
            overrides=parse_overrides(mapping or []),
        )
        with progress_bars() as report, session_scope() as session:
            result = import_file(
                session,
                kind,
                file,
                file.name,
                options,
                events_path=config.events_path,
                progress=report,
            )
    except InvalidInput as error:
        if error.errors:
            err_console.print(error_table(error_rows(error)))
        raise fail(InvalidInput(error.message)) from None
    _print_result(result)


def error_rows(error: InvalidInput) -> list[RowError]:
    rows = []
    for item in error.errors:
        row = item.loc[0] if item.loc and isinstance(item.loc[0], int) else 0
        column = str(item.loc[-1]) if len(item.loc) > 1 else ""
        rows.append(RowError(row, column, item.value, item.message))
    return rows


@contextmanager
def progress_bars() -> Iterator[ProgressFn]:
    """A Rich progress bar on a terminal; one bar per stage (checking, writing)."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def report(stage: Message, done: int, total: int) -> None:
        name = stage.render(settings().locale)
        if name not in tasks:
            tasks[name] = bars.add_task(name, total=total)
        bars.update(tasks[name], completed=done, total=total)

    with bars:
        yield report


def error_table(errors: Sequence[RowError]) -> Table:
    locale = settings().locale
    table = Table(t("Row"), t("Column"), t("Value"), t("Reason"), title=None)
    for item in errors[:SHOWN_ERRORS]:
        value = "" if item.value is None else str(item.value)
        table.add_row(str(item.row or ""), item.column, value, item.reason.render(locale))
    if len(errors) > SHOWN_ERRORS:
        more = t("… and {count} more", count=len(errors) - SHOWN_ERRORS)
        table.add_row("", "", "", more)
    return table


def _print_result(result: ImportResult) -> None:
    title = t("Checked, nothing written (dry run)") if result.dry_run else t("Imported")
    summary = Table(
        t("Rows"), t("Created"), t("Updated"), t("Unchanged"), t("Skipped"), title=title
    )
    summary.add_row(
        str(result.rows),
        str(result.created),
        str(result.updated),
        str(result.unchanged),
        str(len(result.skipped_rows)),
    )
    console.print(summary)
    if result.skipped:
        console.print(t("Skipped rows:"))
        console.print(error_table(result.skipped))
    if result.ignored_columns:
        columns = ", ".join(result.ignored_columns)
        console.print(t("Columns not imported: {columns}", columns=columns))
    if result.custom_columns:
        columns = ", ".join(result.custom_columns)
        console.print(t("Kept as custom fields: {columns}", columns=columns))
