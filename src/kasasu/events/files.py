"""A file of usage events as SQL for DuckDB: which of its columns are the event's fields
(names and aliases), the typed rows with the raw value beside each, the rules a row must
meet, and the errors that name the first bad rows by number and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

FileFormat = Literal["csv", "jsonl", "parquet"]
BAD_ROW = "kasasu: invalid event row"  # the error a broken row raises inside the insert


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the batch column it becomes
    aliases: tuple[str, ...]  # names accepted in a file, first is the API name
    required: bool


_FIELDS = (
    FieldSpec("event_id", ("event_id",), required=False),
    FieldSpec("account_external_id", ("account_id", "account_external_id"), required=True),
    FieldSpec("user_id", ("user_id",), required=False),
    FieldSpec("event_name", ("event", "event_name"), required=True),
    FieldSpec("occurred_at", ("timestamp", "occurred_at"), required=True),
    FieldSpec("value", ("value",), required=False),
    FieldSpec("properties", ("properties",), required=False),
)


@dataclass(frozen=True)
class Source:
    """A file as SQL: its reader and, per batch column, the raw expression and its label."""

    reader: str
    raw: dict[str, str]  # batch column -> SQL expression over the reader's rows
    labels: dict[str, str]  # batch column -> the name the user wrote in the file
    properties_text: bool  # properties arrive as JSON text, not as JSON or a struct
    first_row: int  # the number the user sees for the first record


def unreadable(file: Path, exc: Exception) -> InvalidInput:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InvalidInput(
        _("Cannot read {name}: {detail}", name=file.name, detail=detail),
        [FieldError(("file",), _("Cannot read the file"), file.name)],
    )


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def describe(con: duckdb.DuckDBPyConnection, file: Path, fmt: FileFormat) -> Source:
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
        raise unreadable(file, exc) from exc
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
    return Source(reader, raw, labels, text, first_row=2 if fmt == "csv" else 1)


def _json_source(file: Path) -> Source:
    raw: dict[str, str] = {}
    for spec in _FIELDS:
        arrow = "->" if spec.name == "properties" else "->>"
        picks = [f"json {arrow} '{alias}'" for alias in spec.aliases]
        raw[spec.name] = picks[0] if len(picks) == 1 else f"coalesce({', '.join(picks)})"
    labels = {spec.name: spec.aliases[0] for spec in _FIELDS}
    reader = f"read_ndjson_objects({_quoted(file)})"
    return Source(reader, raw, labels, properties_text=False, first_row=1)


def _missing_column(file: Path, spec: FieldSpec) -> InvalidInput:
    names = " / ".join(spec.aliases)
    return InvalidInput(
        _("{name} has no column {column}", name=file.name, column=names),
        [FieldError(("file", spec.aliases[0]), _("Missing column"), file.name)],
    )


def staged_sql(source: Source) -> str:
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


def check_sql() -> str:
    broken = " OR ".join(f"({rule})" for rule, _col, _msg in _RULES)
    return f"CASE WHEN {broken} THEN error('{BAD_ROW}') ELSE true END"


def row_errors(
    con: duckdb.DuckDBPyConnection, file: Path, source: Source, staged: str
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
