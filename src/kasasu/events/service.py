"""Taking usage events in: API batches, files, and Arrow tables from other parts of Kasasu."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from kasasu.errors import FieldError, InvalidInput
from kasasu.events.files import FileFormat
from kasasu.events.gather import gathering
from kasasu.events.repository import EventStore
from kasasu.events.schemas import (
    BATCH_SCHEMA,
    MAX_PROPERTIES_BYTES,
    AccountEventCount,
    EventIn,
    IngestResult,
    StoredEvents,
)
from kasasu.kit.i18n import _
from kasasu.kit.metrics import count_events_ingested

FORMATS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


def ingest_batch(events_path: Path, events: Sequence[EventIn]) -> IngestResult:
    """Store a batch of validated events; events stored before are counted, not re-stored.

    Batches that arrive while the store is being written are written together (gather.py).
    """
    if not events:
        return IngestResult.of(0, 0)
    inserted = gathering(events_path).append(_to_arrow(events))
    count_events_ingested(inserted)
    return IngestResult.of(len(events), inserted)


def ingest_file(
    events_path: Path,
    file: Path,
    zone: str,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Import a CSV, JSON Lines or Parquet file, all or nothing.

    Timestamps without a UTC offset are read as wall time in ``zone``. ``progress`` is called
    with (percent done, 100) while DuckDB reads the file.
    """
    fmt = FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            _("Cannot read {name}: use a .csv, .jsonl, .ndjson or .parquet file", name=file.name),
            [
                FieldError(
                    ("file",), _("Unsupported file type {suffix}", suffix=file.suffix), file.name
                )
            ],
        )
    if not file.is_file():
        raise InvalidInput(
            _("No such file: {path}", path=str(file)),
            [FieldError(("file",), _("No such file"), str(file))],
        )
    received, inserted = EventStore(events_path).append_file(file, fmt, zone, progress)
    count_events_ingested(inserted)
    return IngestResult.of(received, inserted)


def append_events(events_path: Path, table: pa.Table, received_at: datetime | None = None) -> int:
    """Store an Arrow table with the columns of ``BATCH_SCHEMA``; returns rows inserted.

    ``event_id`` may be null (an id is then derived); ``properties`` is JSON text.
    ``received_at`` (default: now) is fixed by callers whose output must be reproducible.
    """
    return EventStore(events_path).append_arrow(_conform(table), received_at)


def count_events(events_path: Path) -> int:
    return EventStore(events_path).count()


def count_events_by_account(events_path: Path) -> list[AccountEventCount]:
    return EventStore(events_path).count_by_account()


def first_occurrences(
    events_path: Path, wanted: list[tuple[str, str, datetime]]
) -> dict[tuple[str, str], datetime]:
    """When each (account external id, event name) was first seen at or after its instant."""
    return EventStore(events_path).first_occurrences(wanted)


def list_events(events_path: Path, limit: int = 1000) -> pa.Table:
    return EventStore(events_path).list_events(limit)


def stored_events(
    events_path: Path, since: datetime | None, rows: int
) -> AbstractContextManager[StoredEvents]:
    """Every stored event that occurred at or after ``since`` (None: all), with every column
    (``STORED_SCHEMA``), in the order they occurred, ``rows`` at a time (the export)."""
    return EventStore(events_path).reading_since(since, rows)


def ingest_columns(events_path: Path, columns: Sequence[Sequence[Any]]) -> IngestResult:
    """As :func:`ingest_batch`, from events already checked and laid out as the columns of
    ``BATCH_SCHEMA`` (properties as compact JSON, see :func:`compact_json`): for a caller
    that read them in another shape (Segment's calls) and need not build EventIn objects."""
    count = len(columns[0])
    if not count:
        return IngestResult.of(0, 0)
    _check_properties(columns[-1])
    inserted = gathering(events_path).append(_table(columns))
    count_events_ingested(inserted)
    return IngestResult.of(count, inserted)


# Compact JSON, as DuckDB's json() writes it, so a derived id does not depend on spacing.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _to_arrow(events: Sequence[EventIn]) -> pa.Table:
    properties = [compact_json(e.properties) for e in events]
    _check_properties(properties)
    columns: list[Sequence[Any]] = [
        [e.event_id for e in events],
        [e.account_id for e in events],
        [e.user_id for e in events],
        [e.event for e in events],
        [e.timestamp.astimezone(UTC) for e in events],
        [e.value for e in events],
        properties,
    ]
    return _table(columns)


def _table(columns: Sequence[Sequence[Any]]) -> pa.Table:
    return pa.Table.from_arrays(
        [
            pa.array(values, type=field.type)
            for values, field in zip(columns, BATCH_SCHEMA, strict=True)
        ],
        schema=BATCH_SCHEMA,
    )


def _check_properties(properties: Sequence[str]) -> None:
    """Properties describe an event; a bigger value is a payload, refused for the batch."""
    limit = _("At most {size} kB of JSON", size=MAX_PROPERTIES_BYTES // 1024)
    errors = [
        FieldError((index, "properties"), limit, f"{len(text.encode()):,} bytes")
        for index, text in enumerate(properties)
        if len(text) > MAX_PROPERTIES_BYTES // 4 and len(text.encode()) > MAX_PROPERTIES_BYTES
    ]
    if errors:
        raise InvalidInput(
            _(
                "Event {index}, {field}: {reason}; no event was stored",
                index=errors[0].loc[0],
                field="properties",
                reason=limit,
            ),
            errors[:100],
        )


def _conform(table: pa.Table) -> pa.Table:
    missing = [name for name in BATCH_SCHEMA.names if name not in table.column_names]
    if missing:
        raise InvalidInput(
            _("The events lack the columns {columns}", columns=", ".join(missing)),
            [FieldError((name,), _("Missing column"), None) for name in missing],
        )
    try:
        batch = table.select(BATCH_SCHEMA.names).cast(BATCH_SCHEMA)
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
        raise InvalidInput(_("The events are not valid: {detail}", detail=str(exc))) from exc
    return batch


def daily_usage(
    events_path: Path, account_external_id: str, first: datetime, end: datetime, zone: str
) -> list[tuple[date, int, int]]:
    """(local day, events, distinct users) of one account, for its page's usage chart."""
    return EventStore(events_path).daily_usage(account_external_id, first, end, zone)
