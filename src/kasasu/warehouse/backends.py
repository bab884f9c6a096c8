"""The Ibis backends the analytics run on: DuckDB (a copy of the facts), PostgreSQL (in
place) and Spark, and the usage events each one reads."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.kit import deadline
from kasasu.kit.held_files import let_go
from kasasu.warehouse import spark
from kasasu.warehouse.facts import fact_models, read_facts
from kasasu.warehouse.source import AnalyticsSource, Engine

__all__ = ["AnalyticsSource", "Engine", "analytics_backend", "duckdb_of", "usage_events"]


@contextmanager
def analytics_backend(
    session: Session, source: AnalyticsSource, *, guides: bool = False
) -> Iterator[Any]:
    """An Ibis backend over the facts, closed after use: DuckDB (a copy), PostgreSQL (in
    place, the operational database or the source's URL) or Spark (views of a copy, or of
    the source's warehouse export; the URL is the master)."""
    engine, events_path, url = source.engine, source.events_path, source.url
    if engine == "spark":
        master = url or "local[2]"
        if source.warehouse is not None:  # the facts as the export holds them
            models = fact_models(guides=guides)
            backend = spark.warehouse_backend(source.warehouse, master, models)
            names = [model.__tablename__ for model in models]
        else:
            facts = read_facts(session, guides=guides)
            backend = spark.spark_backend(facts, events_path, master)
            names = list(facts)
        try:
            yield backend
        finally:
            spark.release(backend, names)
        return
    backend = (
        postgres_backend(session, url)
        if engine == "postgres"
        else duckdb_backend(session, events_path, guides=guides)
    )
    # Stopped work (kasasu.kit.deadline) interrupts the query running on the backend: DuckDB
    # in this process, or a cancel request to PostgreSQL.
    stop = backend.con.cancel_safe if engine == "postgres" else backend.con.interrupt
    try:
        with deadline.interruptible(stop):
            yield backend
    finally:
        backend.disconnect()


EVENTS_DATABASE = "events"


def duckdb_backend(
    session: Session, events_path: Path | None = None, *, guides: bool = False
) -> Any:
    """An in-memory DuckDB holding a copy of the analytic columns of the operational tables.

    An existing event store at ``events_path`` is attached read-only as database ``events``,
    so the usage KPIs read the events in place, in the same connection as the copies.
    """
    backend = duckdb_of(read_facts(session, guides=guides))
    if events_path is not None and events_path.is_file():
        # ATTACH takes no bound parameter for its path: quote it as an SQL string literal.
        quoted = str(events_path).replace("'", "''")
        _attach(backend, events_path, f"ATTACH '{quoted}' AS {EVENTS_DATABASE} (READ_ONLY)")
    return backend


ATTACH_TRIES = 5


def _attach(backend: Any, events_path: Path, statement: str) -> None:
    """Attach the event store, having asked this process's writer to let it go; a batch
    that opened it again in between (kasasu.events.gather) lets it go at the next try."""
    for attempt in range(1, ATTACH_TRIES + 1):
        let_go(events_path)
        try:
            backend.raw_sql(statement)
            return
        except duckdb.Error:
            if attempt == ATTACH_TRIES:
                raise
            time.sleep(0.02 * attempt)


def duckdb_of(tables: Mapping[str, pa.Table]) -> Any:
    """An in-memory DuckDB (an Ibis backend) holding a copy of each Arrow table by its name."""
    import ibis

    backend = ibis.duckdb.connect()
    for name, table in tables.items():
        deadline.check()
        # DuckDB's own copy of the Arrow table: ibis's create_table compiled an INSERT per
        # table, ~10 ms each, which every read of a small company paid nine times.
        backend.con.from_arrow(table).create(name)
    return backend


def usage_events(backend: Any, engine: str) -> Any | None:
    """The ``usage_events`` table the analytics read, or None without one.

    Embedded: the event store attached to the DuckDB copy. PostgreSQL: a ``usage_events``
    table in the same database (with the event store's columns), where a company that keeps
    its events in PostgreSQL loads them.
    """
    if engine == "spark":
        return backend.table(spark.EVENTS_VIEW) if spark.has_events(backend) else None
    if engine == "postgres":
        return backend.table("usage_events") if "usage_events" in backend.list_tables() else None
    [(found,)] = backend.raw_sql(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
        parameters=[EVENTS_DATABASE, "usage_events"],
    ).fetchall()
    if found == 0:
        return None
    return backend.table("usage_events", database=f"{EVENTS_DATABASE}.main")


def postgres_backend(session: Session, other: str | None = None) -> Any:
    """An Ibis connection to the PostgreSQL database the session uses, or to ``other`` (a
    replica with the same tables), read in place."""
    import ibis

    url = sa.make_url(other) if other else session.get_bind().engine.url
    if url.get_backend_name() != "postgresql":
        raise ValueError("the operational database is not PostgreSQL")
    return ibis.postgres.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
