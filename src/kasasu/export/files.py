"""A table's Parquet files, written aside and then put in place whole.

A table is written into a staging directory next to it, then renamed into place: a reader
finds the previous export of a table or the new one, never a table half written. A table
partitioned by day replaces only the days it wrote (and those of its range that are gone),
so an export ``--since`` a day leaves the earlier days as they were.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kasasu.warehouse.layout import PART_FILE, PARTITION

# The day of each row of a batch (date32), for a table partitioned by day.
DayOf = Callable[[pa.Table], pa.Array | pa.ChunkedArray]


class TableFiles:
    """The files of one table in a staging directory: one file, or one per day for rows
    that come in day order. Rows are gathered into row groups of about ``group_rows``."""

    def __init__(self, staging: Path, schema: pa.Schema, day_of: DayOf | None, group_rows: int):
        self.staging, self.schema, self.day_of, self.group_rows = (
            staging,
            schema,
            day_of,
            group_rows,
        )
        self.days: list[date] = []
        self._writer: pq.ParquetWriter | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        if day_of is None:  # one file, written even when the table is empty (its schema)
            self._writer = pq.ParquetWriter(staging / PART_FILE, schema)

    def write(self, batch: pa.Table) -> None:
        if self.day_of is None:
            self._add(batch)
            return
        days = self.day_of(batch).to_numpy(zero_copy_only=False)
        starts = [0, *(np.flatnonzero(days[1:] != days[:-1]) + 1).tolist(), len(days)]
        for first, end in itertools.pairwise(starts):
            day = days[first].item()  # datetime64[D] → date
            if not self.days or self.days[-1] != day:
                self._open_day(day)
            self._add(batch.slice(first, end - first))

    def _open_day(self, day: date) -> None:
        if self.days and day < self.days[-1]:
            raise ValueError(f"rows out of day order: {day} after {self.days[-1]}")
        self._close()
        folder = self.staging / f"{PARTITION}={day.isoformat()}"
        folder.mkdir()
        self._writer = pq.ParquetWriter(folder / PART_FILE, self.schema)
        self.days.append(day)

    def _add(self, rows: pa.Table) -> None:
        self._pending.append(rows)
        self._pending_rows += rows.num_rows
        if self._pending_rows >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending_rows and self._writer is not None:
            self._writer.write_table(pa.concat_tables(self._pending), self.group_rows)
        self._pending, self._pending_rows = [], 0

    def _close(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def finish(self) -> None:
        self._close()


@contextmanager
def staged_table(
    root: Path,
    name: str,
    *,
    since: date | None,
    schema: pa.Schema,
    day_of: DayOf | None,
    group_rows: int,
) -> Iterator[TableFiles]:
    """Write a table's files aside, then put them in place; on any error nothing changes."""
    token = uuid.uuid4().hex[:12]
    staging = root / f".staging-{name}-{token}"
    staging.mkdir()
    try:
        files = TableFiles(staging, schema, day_of, group_rows)
        yield files
        files.finish()
        target = root / name
        if since is None or day_of is None or not target.is_dir():
            _replace(staging, target, root / f".old-{name}-{token}")
        else:
            _replace_days(staging, target, since, root / f".old-{name}-{token}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace(new: Path, target: Path, trash: Path) -> None:
    """``new`` in place of ``target``: two renames, so the table is whole before and after."""
    if target.exists():
        target.rename(trash)
    new.rename(target)
    shutil.rmtree(trash, ignore_errors=True)


def _replace_days(staging: Path, target: Path, since: date, trash: Path) -> None:
    """The days written from ``since`` on in place of those in ``target``; its days from
    ``since`` that were not written any more (no rows now) go; earlier days stay."""
    trash.mkdir()
    prefix = f"{PARTITION}="
    for old in target.iterdir():
        day = old.name.removeprefix(prefix)
        ours = old.name.startswith(prefix) and day >= since.isoformat()
        if ours and not (staging / old.name).exists():
            old.rename(trash / old.name)
    for new in sorted(staging.iterdir()):
        if (target / new.name).exists():
            (target / new.name).rename(trash / new.name)
        new.rename(target / new.name)
    shutil.rmtree(trash, ignore_errors=True)
