"""The append-only ``usage_events`` table in a DuckDB file, and every query on it.

A connection lives for one operation only: DuckDB lets one process at a time open a file for
writing, so the CLI and the server take turns instead of one of them holding the lock.

Duplicates are dropped with an anti-join (``NOT EXISTS``) against stored ids plus, when the
batch repeats an id, ``DISTINCT ON (event_id)``; not with a PRIMARY KEY and ``ON CONFLICT DO
NOTHING``. Measured on a 2-core machine with 1M events from Parquet: anti-join 0.86-1.2 s,
primary key 1.7-2.4 s (building the ART index dominates), ~0.1 s per 10,000-event batch either
way on top of 1M stored rows. ``DISTINCT ON`` costs ~0.6 s per 1M rows, so a cheap
``count(DISTINCT event_id)`` (~0.15 s) first tells whether it is needed. The price of the
anti-join is a scan of the stored ids per batch; writers in one process are serialised by a
lock, so two concurrent batches cannot both miss the same new id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from time import monotonic, sleep
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kasasu.errors import FieldError, InvalidInput, Unavailable
from kasasu.events.progress import Progress, polling
from kasasu.events.schemas import AccountEventCount
from kasasu.kit.i18n import Message, _

FileFormat = Literal["csv", "jsonl", "parquet"]

TABLE = "usage_events"
# The one definition of the table; BATCH_SCHEMA (schemas.py) is its first seven columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "VARCHAR NOT NULL"),
    ("account_external_id", "VARCHAR NOT NULL"),
    ("user_id", "VARCHAR"),
    ("event_name", "VARCHAR NOT NULL"),
    ("occurred_at", "TIMESTAMPTZ NOT NULL"),
    ("value", "DOUBLE"),
    ("properties", "JSON"),
    ("received_at", "TIMESTAMPTZ NOT NULL"),
)
_DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})"
LOCK_WAIT_SECONDS = 5.0
_ZONE = re.compile(r"^[A-Za-z0-9_+\-/]+$")
_BAD_ROW = "kasasu: invalid event row"

# An id for events sent without one: SHA-256 of every other field, so the same event sent
# twice (by file or API) gets the same id. Key order inside properties counts.
_DERIVED_ID = (
    "sha256(concat_ws(chr(31), account_external_id, coalesce(user_id, ''), event_name, "
    "CAST(epoch_us(occurred_at) AS VARCHAR), coalesce(CAST(value AS VARCHAR), ''), "
    "CAST(properties AS VARCHAR)))"
)

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def _insert_sql(source: str, *, unique: bool) -> str:
    """Insert the rows of ``source`` (the seven batch columns) that are not stored yet.

    ``unique``: the caller checked that every row has its own non-null ``event_id``.
    Takes the parameter ``$received_at`` (NULL: now).
    """
    names = ", ".join(name for name, _type in COLUMNS[:-1])
    distinct = "" if unique else "DISTINCT ON (event_id)"
    return f"""
        INSERT INTO {TABLE}
        SELECT {distinct} {names}, coalesce(CAST($received_at AS TIMESTAMPTZ), now())
        FROM (
            SELECT coalesce(event_id, {_DERIVED_ID}) AS event_id,
                   account_external_id, user_id, event_name, occurred_at, value, properties
            FROM (
                SELECT event_id, account_external_id, user_id, event_name, occurred_at, value,
                       coalesce(properties, '{{}}') AS properties
                FROM {source}
            )
        ) AS b
        WHERE NOT EXISTS (SELECT 1 FROM {TABLE} AS e WHERE e.event_id = b.event_id)
    """  # noqa: S608 - only constants and the caller's fixed source text, never user values


@dataclass(frozen=True)
class _FieldSpec:
    name: str  # the batch column it becomes
    aliases: tuple[str, ...]  # names accepted in a file, first is the API name
    required: bool


_FIELDS = (
    _FieldSpec("event_id", ("event_id",), required=False),
    _FieldSpec("account_external_id", ("account_id", "account_external_id"), required=True),
    _FieldSpec("user_id", ("user_id",), required=False),
    _FieldSpec("event_name", ("event", "event_name"), required=True),
    _FieldSpec("occurred_at", ("timestamp", "occurred_at"), required=True),
    _FieldSpec("value", ("value",), required=False),
    _FieldSpec("properties", ("properties",), required=False),
)


@dataclass(frozen=True)
class _Source:
    """A file as SQL: its reader and, per batch column, the raw expression and its label."""

    reader: str
    raw: dict[str, str]  # batch column -> SQL expression over the reader's rows
    labels: dict[str, str]  # batch column -> the name the user wrote in the file
    properties_text: bool  # properties arrive as JSON text, not as JSON or a struct
    first_row: int  # the number the user sees for the first record


class EventStore:
    """The usage event table in the DuckDB file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                # Another process (the server, a CLI import) is writing; it lets go soon.
                if "lock" not in str(exc).lower() or monotonic() >= deadline:
                    raise Unavailable(
                        _(
                            "The event store {path} is in use by another Kasasu process; "
                            "try again in a moment",
                            path=str(self.path),
                        )
                    ) from exc
                sleep(0.05)
        try:
            con.execute(_DDL)
            yield con
        finally:
            con.close()

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with _write_lock(self.path.resolve()), self._connect() as con:
            con.begin()
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()

    def append_arrow(self, table: pa.Table, received_at: datetime | None = None) -> int:
        """Store the new events of ``table`` (exactly BATCH_SCHEMA); returns rows inserted.

        ``received_at`` defaults to now; generated data (the demo) sets it to stay reproducible.
        """
        if table.num_rows == 0:
            return 0
        with self._writing() as con:
            con.register("kasasu_batch", table)
            source = (
                "(SELECT event_id, account_external_id, user_id, event_name, occurred_at, "
                "value, json(properties) AS properties FROM kasasu_batch)"
            )
            try:
                sql = _insert_sql(source, unique=_unique_ids(table))
                inserted = con.execute(sql, {"received_at": received_at}).fetchall()[0][0]
            except duckdb.InvalidInputException as exc:
                raise InvalidInput(
                    _("The events are not valid: {detail}", detail=str(exc))
                ) from exc
            finally:
                con.unregister("kasasu_batch")
        return int(inserted)

    def append_file(
        self, file: Path, fmt: FileFormat, zone: str, progress: Progress | None = None
    ) -> tuple[int, int]:
        """Store the new events of a file, all or nothing; (rows read, rows inserted)."""
        if not _ZONE.match(zone):
            raise InvalidInput(_("Unknown time zone {zone}", zone=zone))
        with self._writing() as con:
            # Timestamps written without an offset are wall time in the reporting zone.
            con.execute(f"SET TimeZone = '{zone}'")
            source = _describe(con, file, fmt)
            staged = _staged_sql(source)
            checked = f"(SELECT * FROM {staged} WHERE {_check_sql()})"  # noqa: S608 - constants
            try:
                received, unique = con.execute(
                    "SELECT count(*), count(DISTINCT event_id) = count(*) "  # noqa: S608 - constants
                    f"FROM (SELECT {source.raw['event_id']} AS event_id FROM {source.reader})"
                ).fetchall()[0]
                with polling(con.query_progress, progress):
                    sql = _insert_sql(checked, unique=bool(unique))
                    inserted = con.execute(sql, {"received_at": None}).fetchall()[0][0]
            except duckdb.InvalidInputException as exc:
                if _BAD_ROW not in str(exc):
                    raise _unreadable(file, exc) from exc
                con.rollback()
                con.begin()
                raise _row_errors(con, file, source, staged) from None
            except duckdb.Error as exc:
                raise _unreadable(file, exc) from exc
        return int(received), int(inserted)

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with self._connect() as con:
            return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0])  # noqa: S608 - constant

    def count_by_account(self) -> list[AccountEventCount]:
        if not self.path.exists():
            return []
        with self._connect() as con:
            rows = con.execute(
                f"SELECT account_external_id, count(*) FROM {TABLE} GROUP BY 1 ORDER BY 1"  # noqa: S608 - constant
            ).fetchall()
        return [AccountEventCount(account_external_id=a, events=n) for a, n in rows]

    def daily_usage(
        self, account_external_id: str, first: datetime, end: datetime, zone: str
    ) -> list[tuple[date, int, int]]:
        """(local day, events, distinct users) of one account in [first, end)."""
        if not self.path.exists() or not _ZONE.match(zone):
            return []
        with self._connect() as con:
            rows = con.execute(
                f"SELECT CAST(timezone('{zone}', occurred_at) AS DATE) AS day, count(*), "  # noqa: S608 - zone checked above
                f"count(DISTINCT user_id) FROM {TABLE} WHERE account_external_id = ? "
                "AND occurred_at >= ? AND occurred_at < ? GROUP BY day ORDER BY day",
                [account_external_id, first, end],
            ).fetchall()
        return [(day, int(n), int(users)) for day, n, users in rows]

    def list_events(self, limit: int = 1000) -> pa.Table:
        """Stored events in (occurred_at, event_id) order, timestamps in UTC."""
        with self._connect() as con:
            con.execute("SET TimeZone = 'UTC'")
            return con.sql(
                f"SELECT * FROM {TABLE} ORDER BY occurred_at, event_id LIMIT $limit",  # noqa: S608 - constant
                params={"limit": limit},
            ).to_arrow_table()


def _unique_ids(table: pa.Table) -> bool:
    ids = table.column("event_id")
    return bool(ids.null_count == 0 and pc.count_distinct(ids).as_py() == table.num_rows)


def _unreadable(file: Path, exc: Exception) -> InvalidInput:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InvalidInput(
        _("Cannot read {name}: {detail}", name=file.name, detail=detail),
        [FieldError(("file",), _("Cannot read the file"), file.name)],
    )


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _describe(con: duckdb.DuckDBPyConnection, file: Path, fmt: FileFormat) -> _Source:
    if fmt == "jsonl":
        return _json_source(file)
    reader = (
        f"read_parquet({_quoted(file)})"
        if fmt == "parquet"
        # Every CSV cell stays text, so an id like 007 keeps its zeros; types come later.
        else f"read_csv({_quoted(file)}, header = true, all_varchar = true)"
    )
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()  # noqa: S608 - quoted path
    except duckdb.Error as exc:
        raise _unreadable(file, exc) from exc
    columns = {str(row[0]).strip().lower(): (str(row[0]), str(row[1])) for row in described}
    raw: dict[str, str] = {}
    labels: dict[str, str] = {}
    types: dict[str, str] = {}
    for spec in _FIELDS:
        found = next((columns[a] for a in spec.aliases if a in columns), None)
        if found is None:
            if spec.required:
                raise _missing_column(file, spec)
            raw[spec.name], labels[spec.name] = "NULL", spec.aliases[0]
            continue
        raw[spec.name] = '"' + found[0].replace('"', '""') + '"'
        labels[spec.name], types[spec.name] = found[0], found[1]
    text = types.get("properties", "VARCHAR") in {"VARCHAR", "JSON"}
    return _Source(reader, raw, labels, text, first_row=2 if fmt == "csv" else 1)


def _json_source(file: Path) -> _Source:
    raw: dict[str, str] = {}
    for spec in _FIELDS:
        arrow = "->" if spec.name == "properties" else "->>"
        picks = [f"json {arrow} '{alias}'" for alias in spec.aliases]
        raw[spec.name] = picks[0] if len(picks) == 1 else f"coalesce({', '.join(picks)})"
    labels = {spec.name: spec.aliases[0] for spec in _FIELDS}
    reader = f"read_ndjson_objects({_quoted(file)})"
    return _Source(reader, raw, labels, properties_text=False, first_row=1)


def _missing_column(file: Path, spec: _FieldSpec) -> InvalidInput:
    names = " / ".join(spec.aliases)
    return InvalidInput(
        _("{name} has no column {column}", name=file.name, column=names),
        [FieldError(("file", spec.aliases[0]), _("Missing column"), file.name)],
    )


def _staged_sql(source: _Source) -> str:
    """The file's rows as typed batch columns, with the raw value beside each parsed one."""
    r = source.raw
    props = (
        f"CASE WHEN json_valid({r['properties']}) THEN json({r['properties']}) END"
        if source.properties_text
        else f"CAST({r['properties']} AS JSON)"
        if source.reader.startswith("read_ndjson")
        else f"to_json({r['properties']})"
    )
    return f"""(
        SELECT CAST({r["event_id"]} AS VARCHAR) AS event_id,
               CAST({r["account_external_id"]} AS VARCHAR) AS account_external_id,
               CAST({r["user_id"]} AS VARCHAR) AS user_id,
               CAST({r["event_name"]} AS VARCHAR) AS event_name,
               TRY_CAST({r["occurred_at"]} AS TIMESTAMPTZ) AS occurred_at,
               TRY_CAST({r["value"]} AS DOUBLE) AS value,
               {props} AS properties,
               {r["occurred_at"]} AS raw_occurred_at,
               {r["value"]} AS raw_value,
               {r["properties"]} AS raw_properties
        FROM {source.reader}
    )"""  # noqa: S608 - column names are quoted identifiers, the path a quoted literal


# Each rule a row must meet: (SQL that is true when the row breaks it, batch column, reason).
_RULES: tuple[tuple[str, str, Message], ...] = (
    ("account_external_id IS NULL", "account_external_id", _("A value is required")),
    ("event_name IS NULL", "event_name", _("A value is required")),
    ("raw_occurred_at IS NULL", "occurred_at", _("A value is required")),
    (
        "occurred_at IS NULL AND raw_occurred_at IS NOT NULL",
        "occurred_at",
        _("Not a timestamp; write ISO 8601 like 2026-11-22T10:30:00+09:00"),
    ),
    (
        "raw_value IS NOT NULL AND (value IS NULL OR NOT isfinite(value))",
        "value",
        _("Not a number"),
    ),
    (
        # json() writes compact JSON, so an object is exactly a text starting with a brace;
        # json_type() would parse every value again (+0.6 s per 1M rows).
        (
            "raw_properties IS NOT NULL "
            "AND NOT coalesce(starts_with(CAST(properties AS VARCHAR), '{'), false)"
        ),
        "properties",
        _("Not a JSON object"),
    ),
)


def _check_sql() -> str:
    broken = " OR ".join(f"({rule})" for rule, _col, _msg in _RULES)
    return f"CASE WHEN {broken} THEN error('{_BAD_ROW}') ELSE true END"


def _row_errors(
    con: duckdb.DuckDBPyConnection, file: Path, source: _Source, staged: str
) -> InvalidInput:
    """Find the first bad rows again, this time with their numbers, to name them."""
    flags = ", ".join(f"({rule})" for rule, _col, _msg in _RULES)
    raws = (
        "CAST(account_external_id AS VARCHAR), CAST(event_name AS VARCHAR), "
        "CAST(raw_occurred_at AS VARCHAR), CAST(raw_value AS VARCHAR), "
        "CAST(raw_properties AS VARCHAR)"
    )
    broken = " OR ".join(f"({rule})" for rule, _col, _msg in _RULES)
    rows = con.execute(
        f"SELECT n, {flags}, {raws} FROM (SELECT row_number() OVER () AS n, * FROM {staged}) "  # noqa: S608 - constants
        f"WHERE {broken} ORDER BY n LIMIT 20"
    ).fetchall()
    value_of = {
        "account_external_id": 0,
        "event_name": 1,
        "occurred_at": 2,
        "value": 3,
        "properties": 4,
    }
    errors: list[FieldError] = []
    for row in rows:
        number = int(row[0]) + source.first_row - 1
        hits = row[1 : 1 + len(_RULES)]
        values = row[1 + len(_RULES) :]
        for hit, (_rule, column, reason) in zip(hits, _RULES, strict=True):
            if hit:
                label = source.labels[column]
                errors.append(FieldError((number, label), reason, values[value_of[column]]))
    first = errors[0] if errors else None
    return InvalidInput(
        _(
            "{name}: row {row}, {column}: {reason}; nothing was imported",
            name=file.name,
            row=first.loc[0] if first else "?",
            column=first.loc[1] if first else "?",
            reason=first.message if first else "",
        ),
        errors,
    )
