"""The ``usage_events`` table's one definition and the SQL that appends to it: new rows
only, each id once (why an anti-join and not a primary key: kasasu.events.repository)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _

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
DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})"

# An id for events sent without one: SHA-256 of every other field, so the same event sent
# twice (by file or API) gets the same id. Key order inside properties counts.
DERIVED_ID = (
    "sha256(concat_ws(chr(31), account_external_id, coalesce(user_id, ''), event_name, "
    "CAST(epoch_us(occurred_at) AS VARCHAR), coalesce(CAST(value AS VARCHAR), ''), "
    "CAST(properties AS VARCHAR)))"
)

# An Arrow batch registered as ``kasasu_batch``, its properties (JSON text) made JSON.
BATCH_SOURCE = (
    "(SELECT event_id, account_external_id, user_id, event_name, occurred_at, value, "
    "json(properties) AS properties FROM kasasu_batch)"
)


def insert_sql(source: str, *, unique: bool) -> str:
    """Insert the rows of ``source`` (the seven batch columns) that are not stored yet.

    ``unique``: the caller checked that every row has its own non-null ``event_id``.
    Takes the parameter ``$received_at`` (NULL: now).
    """
    names = ", ".join(name for name, _type in COLUMNS[:-1])
    return f"""
        INSERT INTO {TABLE}
        SELECT {names}, coalesce(CAST($received_at AS TIMESTAMPTZ), now())
        FROM ({new_rows_sql(source, unique=unique)})
    """  # noqa: S608 - only constants and the caller's fixed source text, never user values


def new_rows_sql(source: str, *, unique: bool, part: bool = False) -> str:
    """The rows of ``source`` whose id is not stored yet, each id once.

    ``part``: ``source`` has a column ``kasasu_part`` (which gathered batch a row came
    from), kept; an id repeated across parts is kept from the first part that has it.
    """
    names = ", ".join(name for name, _type in COLUMNS[:-1])
    kept = "kasasu_part, " if part else ""
    distinct = "" if unique else "DISTINCT ON (event_id)"
    first = "ORDER BY event_id, kasasu_part" if part and not unique else ""
    return f"""
        SELECT {distinct} {kept}{names}
        FROM (
            SELECT {kept}coalesce(event_id, {DERIVED_ID}) AS event_id,
                   account_external_id, user_id, event_name, occurred_at, value, properties
            FROM (
                SELECT {kept}event_id, account_external_id, user_id, event_name, occurred_at,
                       value, coalesce(properties, '{{}}') AS properties
                FROM {source}
            )
        ) AS b
        WHERE NOT EXISTS (SELECT 1 FROM {TABLE} AS e WHERE e.event_id = b.event_id)
        {first}
    """  # noqa: S608 - only constants and the caller's fixed source text, never user values


def insert_parts(con: duckdb.DuckDBPyConnection, tables: Sequence[pa.Table]) -> list[int]:
    """Insert the new rows of ``tables`` in the transaction open on ``con``; the rows each
    table inserted (an id in two tables counted for the first)."""
    batch = pa.concat_tables(tables)
    # Registered until the end of a successful append; after an error the transaction is
    # aborted (unregistering would fail and hide the error) and the connection is closed.
    if batch.column("event_id").null_count == 0:
        # Every row has its id (the SDK's, the API's): one INSERT returns the new ids, and
        # the first table with each id is found here (~3 ms less a group than below).
        con.register("kasasu_batch", batch)
        try:
            sql = insert_sql(BATCH_SOURCE, unique=unique_ids(batch)) + " RETURNING event_id"
            new = con.execute(sql, {"received_at": None}).fetchall()
        except duckdb.InvalidInputException as exc:
            raise InvalidInput(_("The events are not valid: {detail}", detail=str(exc))) from exc
        con.unregister("kasasu_batch")
        first: dict[str, int] = {}
        for part, table in enumerate(tables):
            for event_id in table.column("event_id").to_pylist():
                first.setdefault(event_id, part)
        inserted = [0] * len(tables)
        for (event_id,) in new:
            inserted[first[event_id]] += 1
        return inserted
    # Ids derived in SQL: the new rows are kept with the table they came from, then counted.
    parts = [pa.repeat(pa.scalar(n, pa.int32()), t.num_rows) for n, t in enumerate(tables)]
    batch = batch.append_column("kasasu_part", pa.chunked_array(parts, pa.int32()))
    names = ", ".join(name for name, _type in COLUMNS[:-1])
    source = (
        "(SELECT kasasu_part, event_id, account_external_id, user_id, event_name, "
        "occurred_at, value, json(properties) AS properties FROM kasasu_batch)"
    )
    con.register("kasasu_batch", batch)
    try:
        rows = new_rows_sql(source, unique=False, part=True)
        con.execute(f"CREATE OR REPLACE TEMP TABLE kasasu_new AS {rows}")
        con.execute(f"INSERT INTO {TABLE} SELECT {names}, now() FROM kasasu_new")  # noqa: S608 - constants
        counted = con.execute(
            "SELECT kasasu_part, count(*) FROM kasasu_new GROUP BY kasasu_part"
        ).fetchall()
        con.execute("DROP TABLE kasasu_new")
    except duckdb.InvalidInputException as exc:
        raise InvalidInput(_("The events are not valid: {detail}", detail=str(exc))) from exc
    con.unregister("kasasu_batch")
    inserted = [0] * len(tables)
    for part, count in counted:
        inserted[part] = int(count)
    return inserted


def unique_ids(table: pa.Table) -> bool:
    ids = table.column("event_id")
    return bool(ids.null_count == 0 and pc.count_distinct(ids).as_py() == table.num_rows)
