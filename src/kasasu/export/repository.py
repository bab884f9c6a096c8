"""Every operational table read for the export, a batch at a time, as Arrow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.kit.gc import collector_paused
from kasasu.warehouse.facts import arrow_column
from kasasu.warehouse.layout import day_column, exported_columns, table_schema


class TableReader:
    """Reads tables in the session's transaction, so that every table of one export comes
    from the same moment (SQLite; PostgreSQL per statement at its default isolation)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, table: sa.Table, since: date | None) -> int:
        stmt = sa.select(sa.func.count()).select_from(table).where(*_from_day(table, since))
        return int(self.session.execute(stmt).scalar_one())

    def batches(self, table: sa.Table, since: date | None, rows: int) -> Iterator[pa.Table]:
        """The table's exported columns (Parquet types: ``table_schema``), ordered by its
        day if it has one, then by its key; ``rows`` at a time.

        Read through the driver without SQLAlchemy's per-value processing, as the facts are
        (kasasu.warehouse.facts.read_table); on PostgreSQL through a server-side cursor, so
        that a table of any size passes through in bounded memory.
        """
        day = day_column(table)
        columns = [
            sa.cast(c, sa.Text).label(c.name) if isinstance(c.type, sa.JSON) else c
            for c in exported_columns(table)
        ]
        order = [*([table.c[day]] if day else []), *table.primary_key.columns]
        stmt = sa.select(*columns).where(*_from_day(table, since)).order_by(*order)
        connection = self.session.connection()
        # Dates are the only values bound: rendered as literals, for the driver's own cursor.
        sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        driver = connection.connection
        postgres = connection.dialect.name == "postgresql"
        cursor: Any = driver.cursor(name="kasasu_export") if postgres else driver.cursor()
        schema = table_schema(table)
        try:
            cursor.execute(sql)
            while found := cursor.fetchmany(rows):
                with collector_paused():  # millions of short-lived values, no cycles
                    values = list(zip(*found, strict=True))
                    batch = pa.table(
                        [
                            arrow_column(list(column), field.type)
                            for column, field in zip(values, schema, strict=True)
                        ],
                        schema=schema,
                    )
                yield batch
        finally:
            cursor.close()


def _from_day(table: sa.Table, since: date | None) -> list[sa.ColumnElement[bool]]:
    """Rows of the days from ``since`` on, for a table partitioned by day; else every row."""
    day = day_column(table)
    return [table.c[day] >= since] if day and since else []
