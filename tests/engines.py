"""Usage events in the shapes the other engines read: a PostgreSQL table, Parquet for Spark."""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import sqlalchemy as sa

_ROWS = "SELECT * REPLACE (properties::VARCHAR AS properties) FROM usage_events"


def copy_events_to_postgres(events: Path, url: str) -> None:
    """The event store's rows as a ``usage_events`` table in PostgreSQL, where the analytics
    read events when the facts stay in PostgreSQL."""
    with duckdb.connect(str(events), read_only=True) as con:
        rows = con.sql(_ROWS).to_arrow_table()
    parsed = sa.make_url(url)
    pg = ibis.postgres.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        pg.create_table("usage_events", rows)
    finally:
        pg.disconnect()


def events_to_parquet(events: Path, parquet: Path) -> Path:
    """The event store's rows as a Parquet file, as a data lake would hold them for Spark."""
    with duckdb.connect(str(events), read_only=True) as con:
        quoted = str(parquet).replace("'", "''")
        con.execute(f"COPY ({_ROWS}) TO '{quoted}' (FORMAT parquet)")
    return parquet
