"""Import a customer data file: the one entry point behind ``kasasu import`` and the API.

All or nothing by default: every bad row is reported (row, column as written, value, reason)
and, if there is any, :class:`InvalidInput` is raised before anything is written, so the
caller's transaction writes nothing. ``skip_bad_rows`` writes the good rows and returns the
bad ones; ``dry_run`` checks everything (even the database's view of the rows, inside a
savepoint that is rolled back) and writes nothing. Rows are upserted by external id, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.audit import through
from kasasu.db.service import UpsertResult
from kasasu.errors import FieldError, InvalidInput
from kasasu.events.service import ingest_file
from kasasu.imports.kinds import KindSpec, kind_specs
from kasasu.imports.limits import capped
from kasasu.imports.mapping import ColumnMap, map_columns, parse_overrides
from kasasu.imports.readers import Table, read_table
from kasasu.imports.rows import ParsedRow, RowContext, parse_row, resolve_references, validate_row
from kasasu.imports.schemas import ImportKind, ImportOptions, ImportResult, Progress, RowError
from kasasu.kit.i18n import Message, _

__all__ = ["import_file", "parse_overrides"]

BATCH = 500


@dataclass
class _Checked:
    good: list[tuple[dict[str, Any], set[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def import_file(
    session: Session,
    kind: ImportKind,
    source: Path | bytes,
    filename: str,
    options: ImportOptions,
    *,
    events_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read ``source`` (a path, or the bytes of an upload named ``filename``) and import it.

    Its writes are recorded in the audit log as the caller's, through "import"."""
    if kind is ImportKind.EVENTS:
        return _import_events(source, filename, options, events_path, progress)
    with through("import"):
        return _import_rows(session, kind, source, filename, options=options, progress=progress)


def _import_rows(
    session: Session,
    kind: ImportKind,
    source: Path | bytes,
    filename: str,
    *,
    options: ImportOptions,
    progress: Progress | None,
) -> ImportResult:
    data = source.read_bytes() if isinstance(source, Path) else source
    return import_table(session, kind, read_table(data, filename), options, progress)


def import_table(
    session: Session,
    kind: ImportKind,
    table: Table,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportResult:
    """Import rows already read (a profile rewrote some cells of another system's export)."""
    spec = kind_specs()[kind]
    columns = map_columns(kind.value, table.headers, spec.required, options.overrides)
    ctx = RowContext(spec, columns, options)
    checked = _check(session, ctx, table, progress)
    if checked.errors and not options.skip_bad_rows:
        raise _invalid(checked.errors)
    if options.dry_run:
        with session.begin_nested() as savepoint:
            totals = _write(session, ctx, checked.good, progress)
            savepoint.rollback()
    else:
        totals = _write(session, ctx, checked.good, progress)
    return ImportResult(
        kind=kind,
        rows=len(table.rows) + len(table.broken),
        created=totals.created,
        updated=totals.updated,
        unchanged=totals.unchanged,
        skipped=checked.errors,
        ignored_columns=[] if spec.custom_fields else columns.unmapped,
        custom_columns=columns.unmapped if spec.custom_fields else [],
        dry_run=options.dry_run,
    )


def _check(session: Session, ctx: RowContext, table: Table, progress: Progress | None) -> _Checked:
    stage, total = _("Checking rows"), len(table.rows)
    rows: list[ParsedRow] = []
    first_row: dict[tuple[Any, ...], int] = {}
    key = ctx.spec.key
    key_header = ctx.columns.columns.get(key[0], key[0])
    for done, raw in enumerate(table.rows, start=1):
        row = parse_row(ctx, raw)
        found = tuple(row.values.get(k) for k in key)
        if None not in found:
            first = first_row.setdefault(found, row.number)
            if first != row.number:
                row.fail(key_header, _same_key(key, first))
        rows.append(row)
        if progress is not None and (done % BATCH == 0 or done == total):
            progress(stage, done, total)
    resolve_references(session, ctx, rows)
    checked = _Checked()
    checked.errors += [RowError(n, "", text, reason) for n, text, reason in table.broken]
    for row in rows:
        present = set(row.values)
        values = validate_row(ctx, row)
        if values is None:
            checked.errors += row.errors
        else:
            checked.good.append((values, present))
    checked.errors.sort(key=lambda e: e.row)
    return checked


def _same_key(key: tuple[str, ...], first: int) -> Message:
    if key == ("external_id",):
        return _("The same external id is on row {row}", row=first)
    return _("The same {fields} is on row {row}", fields=", ".join(key), row=first)


def _invalid(errors: list[RowError]) -> InvalidInput:
    rows = len({e.row for e in errors})
    return InvalidInput(
        _("{count} problems in {rows} rows; nothing was written", count=len(errors), rows=rows),
        [FieldError((e.row, e.column), e.reason, e.value) for e in capped(errors)],
    )


def _write(
    session: Session,
    ctx: RowContext,
    good: list[tuple[dict[str, Any], set[str]]],
    progress: Progress | None,
) -> UpsertResult:
    spec, stage = ctx.spec, _("Writing rows")
    if spec.write is not None:
        return _write_keyed(session, spec.write, [values for values, _p in good], progress)
    if spec.service is None:
        raise ValueError(f"{spec.kind} has neither a service nor a writer")  # a wiring mistake
    service = spec.service
    existing = service.repository(session).map_external_ids(v["external_id"] for v, _p in good)
    mapped = {c.key for c in spec.columns if c.field in ctx.columns.columns}
    created = updated = unchanged = 0
    for start in range(0, len(good), BATCH):
        batch = []
        for values, present in good[start : start + BATCH]:
            row_id = existing.get(values["external_id"])
            batch.append(
                values
                if row_id is None
                else _changes(
                    session,
                    spec=spec,
                    columns=ctx.columns,
                    values=values,
                    row_id=row_id,
                    keys=mapped | present,
                )
            )
        result = service.upsert_many(session, batch)
        created, updated = created + result.created, updated + result.updated
        unchanged += result.unchanged
        if progress is not None:
            progress(stage, min(start + BATCH, len(good)), len(good))
    return UpsertResult(created, updated, unchanged)


def _write_keyed(
    session: Session,
    write: Callable[[Session, list[dict[str, Any]]], UpsertResult],
    rows: list[dict[str, Any]],
    progress: Progress | None,
) -> UpsertResult:
    """Rows a kind stores by its own key (no external id), in batches."""
    total = UpsertResult()
    for start in range(0, len(rows), BATCH):
        result = write(session, rows[start : start + BATCH])
        total = UpsertResult(
            total.created + result.created,
            total.updated + result.updated,
            total.unchanged + result.unchanged,
        )
        if progress is not None:
            progress(_("Writing rows"), min(start + BATCH, len(rows)), len(rows))
    return total


def _changes(
    session: Session,
    *,
    spec: KindSpec,
    columns: ColumnMap,
    values: dict[str, Any],
    row_id: int,
    keys: set[str],
) -> dict[str, Any]:
    """For a row that exists: only the fields the file has, so other columns stay as they are.

    Custom fields merge: the file's columns replace theirs (an empty cell removes one), and
    custom fields from elsewhere are kept.
    """
    changes = {k: v for k, v in values.items() if k in keys or k == "external_id"}
    if spec.custom_fields and columns.unmapped and spec.service is not None:
        merged = dict(getattr(spec.service.get(session, row_id), "custom_fields", {}) or {})
        for header in columns.unmapped:
            merged.pop(header, None)
        merged.update(values.get("custom_fields") or {})
        changes["custom_fields"] = merged
    return changes


def _import_events(
    source: Path | bytes,
    filename: str,
    options: ImportOptions,
    events_path: Path | None,
    progress: Progress | None,
) -> ImportResult:
    """Usage events go to the event store, whose ingestion dedupes by event id."""
    if events_path is None:
        raise ValueError("events_path is required to import events")  # a wiring mistake
    if options.dry_run:
        raise InvalidInput(_("A dry run is not available for events"))
    stage = _("Reading events")
    report = None if progress is None else lambda done, total: progress(stage, done, total)
    if isinstance(source, Path):
        result = ingest_file(events_path, source, options.zone, report)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / (Path(filename).name or "events.csv")
            path.write_bytes(source)
            result = ingest_file(events_path, path, options.zone, report)
    return ImportResult(
        kind=ImportKind.EVENTS,
        rows=result.received,
        created=result.inserted,
        unchanged=result.duplicates,
    )
