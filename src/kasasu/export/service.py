"""``kasasu export parquet DIR``: every table of the operational database (but its secrets)
and the usage events as Parquet, for BI tools and for Spark (docs/warehouse.md).

Tables that grow by day (the usage events, the daily snapshots) are partitioned by day;
the others are one file each. Each table is written aside and put in place whole
(kasasu.export.files), and a run replaces what a run before it wrote: re-running is safe.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.errors import FieldError, InvalidInput
from kasasu.events.schemas import STORED_SCHEMA
from kasasu.events.service import stored_events
from kasasu.export.files import DayOf, staged_table
from kasasu.export.repository import TableReader
from kasasu.export.schemas import ExportResult, Progress, TableExport
from kasasu.kit.i18n import _
from kasasu.warehouse.layout import (
    EVENTS_DAY_OF,
    EVENTS_TABLE,
    PARTITION,
    SCHEMA_FILE,
    day_column,
    exported_tables,
    table_schema,
)

BATCH_ROWS = 100_000  # rows read, converted and written at a time (and per row group)
FORMAT_VERSION = 1  # of _schema.json


def table_names() -> list[str]:
    """What an export holds: every operational table, then the usage events."""
    return [*(table.name for table in exported_tables()), EVENTS_TABLE]


def export_parquet(
    session: Session,
    events_path: Path,
    directory: Path,
    *,
    tables: Sequence[str] | None = None,
    since: date | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ExportResult:
    """Write ``tables`` (default: all) under ``directory``; with ``since``, the tables
    partitioned by day rewrite only the days from ``since`` on (the others are written
    whole). Reads only: the caller's transaction is left as it was."""
    chosen = _chosen(tables)
    directory.mkdir(parents=True, exist_ok=True)
    reader = TableReader(session)
    written: list[TableExport] = []
    for table in exported_tables():
        if table.name not in chosen:
            continue
        day = day_column(table)
        done = _write(
            directory,
            table.name,
            reader.batches(table, since, batch_rows),
            total=reader.count(table, since),
            schema=table_schema(table),
            day_of=_column(day) if day else None,
            since=since,
            progress=progress,
            batch_rows=batch_rows,
        )
        written.append(done)
    if EVENTS_TABLE in chosen:
        instant = datetime.combine(since, time(), UTC) if since else None
        with stored_events(events_path, instant, batch_rows) as events:
            batches = (pa.Table.from_batches([batch]) for batch in events.batches)
            written.append(
                _write(
                    directory,
                    EVENTS_TABLE,
                    batches,
                    total=events.total,
                    schema=STORED_SCHEMA,
                    day_of=_utc_day,
                    since=since,
                    progress=progress,
                    batch_rows=batch_rows,
                )
            )
    _write_schema_file(directory, written)
    return ExportResult(directory=str(directory), tables=written)


def _chosen(tables: Sequence[str] | None) -> set[str]:
    known = table_names()
    if not tables:
        return set(known)
    unknown = [name for name in tables if name not in known]
    if unknown:
        raise InvalidInput(
            _(
                "Unknown table {names}; the tables are: {known}",
                names=", ".join(unknown),
                known=", ".join(known),
            ),
            [FieldError(("tables",), _("Unknown table"), name) for name in unknown],
        )
    return set(tables)


def _column(name: str) -> DayOf:
    """A daily snapshot's day: its own date column."""
    return lambda batch: batch.column(name)


def _utc_day(batch: pa.Table) -> pa.Array:
    """The UTC day each event occurred (its partition)."""
    return pc.cast(batch.column(EVENTS_DAY_OF), pa.date32()).combine_chunks()


def _write(
    directory: Path,
    name: str,
    batches: Iterable[pa.Table],
    *,
    total: int,
    schema: pa.Schema,
    day_of: DayOf | None,
    since: date | None,
    progress: Progress | None,
    batch_rows: int,
) -> TableExport:
    rows = 0
    if progress:
        progress(name, 0, total)
    with staged_table(
        directory, name, since=since, schema=schema, day_of=day_of, group_rows=batch_rows
    ) as files:
        for batch in batches:
            files.write(batch)
            rows += batch.num_rows
            if progress:
                progress(name, rows, max(total, rows))
    return TableExport(name=name, rows=rows, days=len(files.days) if day_of else None)


def _write_schema_file(directory: Path, written: list[TableExport]) -> None:
    """``_schema.json``: every table of the export, its columns and partitioning (those
    of an earlier run that this one did not write are kept)."""
    path = directory / SCHEMA_FILE
    kept: dict[str, Any] = {}
    if path.is_file():
        kept = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for table in written:
        kept[table.name] = describe_table(table.name) | {"exported_at": now, "rows": table.rows}
    document = {"format": FORMAT_VERSION, "tables": dict(sorted(kept.items()))}
    staging = directory / f".{SCHEMA_FILE}.tmp"
    staging.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    staging.replace(path)


def describe_table(name: str) -> dict[str, Any]:
    """A table's partitioning and columns (name, Parquet type, whether the database allows
    it empty, JSON text or not), as the schema file and docs/warehouse.md give them."""
    if name == EVENTS_TABLE:
        fields = [(f.name, f.type, f.nullable, f.name == "properties") for f in STORED_SCHEMA]
        day_from: str | None = f"{EVENTS_DAY_OF} (UTC)"
    else:
        table = next(t for t in exported_tables() if t.name == name)
        fields = [
            (
                f.name,
                f.type,
                bool(table.c[f.name].nullable),
                isinstance(table.c[f.name].type, sa.JSON),
            )
            for f in table_schema(table)
        ]
        day_from = day_column(table)
    return {
        "partitioned_by": {PARTITION: day_from} if day_from else None,
        "columns": [
            {"name": field, "type": str(kind), "nullable": nullable}
            | ({"json": True} if json_text else {})
            for field, kind, nullable, json_text in fields
        ],
    }
