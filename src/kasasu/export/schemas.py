"""What an export wrote, and how it reports its progress."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

# (table, rows written, rows to write): called as each batch is written.
Progress = Callable[[str, int, int], None]


class TableExport(BaseModel):
    """One table written: its rows and, for a table partitioned by day, the days written."""

    name: str
    rows: int
    days: int | None = None  # None: one file


class ExportResult(BaseModel):
    directory: str
    tables: list[TableExport]

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)
