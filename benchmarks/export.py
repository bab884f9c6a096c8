"""Warehouse export speed (``kasasu export parquet``), as run by ``make bench``.

Data: the default demo company (``kasasu demo --seed 1 --as-of 2026/11/23``: 2,000 accounts,
24 months, ~4M usage events, as benchmarks/demo.py makes it) plus a week of daily refreshes
(2026-11-17 … 2026-11-23, ``--no-pages``), so the daily snapshots have days to partition.

Measures, in one run:
  (a) ``kasasu export parquet DIR`` as a user runs it (its own process, Python start and
      imports included): wall time and peak memory (that process's rusage);
  (b) in this process, median of 3: the operational tables alone (``--tables`` every one
      of them) and the usage events alone, in rows per second;
  (c) the yardstick for (b)'s events: DuckDB's own ``COPY … TO (FORMAT parquet,
      PARTITION_BY (day))`` of the same events, sorted the same way, into the same layout.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.export.service import export_parquet, table_names

AS_OF = "2026/11/23"
ROUNDS = 3


def _run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kasasu", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


# Runs the command in a child of its own and prints that child's peak RSS (KB): this
# process's children include the demo and the refresh, which take more.
_PEAK = (
    "import resource, subprocess, sys; subprocess.run([sys.executable, '-m', 'kasasu', "
    "*sys.argv[1:]], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _peak(env: dict[str, str], *args: str) -> tuple[float, float]:
    """(seconds, peak memory in MB) of one kasasu command."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *args], env=env, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, int(done.stdout.split()[-1]) / 1024


def _export(data: Path, out: Path, tables: list[str]) -> tuple[float, int]:
    engine = create_db_engine(f"sqlite:///{data}/kasasu.db")
    try:
        with transaction(session_factory(engine)) as session:
            started = time.perf_counter()
            result = export_parquet(session, data / "events.duckdb", out, tables=tables)
            return time.perf_counter() - started, result.rows
    finally:
        engine.dispose()


def _duckdb_copy(data: Path, out: Path) -> float:
    quoted = str(out).replace("'", "''")
    with duckdb.connect(str(data / "events.duckdb"), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        started = time.perf_counter()
        con.execute(
            "COPY (SELECT * REPLACE (CAST(properties AS VARCHAR) AS properties), "
            "CAST(timezone('UTC', occurred_at) AS DATE) AS day FROM usage_events "
            f"ORDER BY occurred_at, event_id) TO '{quoted}' "
            "(FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE)"
        )
        return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-export-") as tmp:
        data = Path(tmp)
        env = {
            **os.environ,
            "KASASU_DATA_DIR": str(data),
            "KASASU_LOCALE": "en",
            "KASASU_DATABASE_URL": f"sqlite:///{data}/kasasu.db",
            "KASASU_EVENTS_PATH": str(data / "events.duckdb"),
        }
        _run(env, "init")
        _run(env, "demo", "--seed", "1", "--as-of", AS_OF)
        week = ("--backfill", "--from", "2026-11-17", "--to", "2026-11-23", "--no-pages")
        _run(env, "refresh", *week)
        seconds, peak_mb = _peak(env, "export", "parquet", str(data / "cli"))
        sql_tables = [name for name in table_names() if name != "usage_events"]
        tables, events, copies = [], [], []
        for n in range(ROUNDS):
            tables.append(_export(data, data / f"tables{n}", sql_tables))
            events.append(_export(data, data / f"events{n}", ["usage_events"]))
            copies.append(_duckdb_copy(data, data / f"copy{n}"))
        table_rows, event_rows = tables[0][1], events[0][1]
        table_s = statistics.median(s for s, _rows in tables)
        event_s = statistics.median(s for s, _rows in events)
        copy_s = statistics.median(copies)
    print(
        f"export (demo seed 1 + 7 refresh days): {table_rows:,} table rows in "
        f"{len(sql_tables)} tables, {event_rows:,} usage events"
    )
    print(f"(a) kasasu export parquet: {seconds:.1f} s, peak memory {peak_mb:,.0f} MB")
    print(f"(b) tables: {table_s:.2f} s = {table_rows / table_s:,.0f} rows/s (median of 3)")
    print(f"    events: {event_s:.2f} s = {event_rows / event_s:,.0f} rows/s (median of 3)")
    print(
        f"(c) DuckDB COPY of the events: {copy_s:.2f} s = {event_rows / copy_s:,.0f} rows/s; "
        f"Kasasu {event_s / copy_s:.2f}x its time"
    )


if __name__ == "__main__":
    main()
