"""Where the analytics run and what they read, as one value passed whole instead of loose
``engine``/``events_path``/``url`` parameters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Engine = Literal["duckdb", "postgres", "spark"]


@dataclass(frozen=True)
class AnalyticsSource:
    """The engine (a DuckDB copy of the facts, PostgreSQL in place, or Spark), the usage
    events it reads (the DuckDB event store, or Parquet for Spark) and the engine's URL (a
    PostgreSQL replica, the Spark master; the operational database or local Spark when None).
    """

    engine: Engine = "duckdb"
    events_path: Path | None = None
    url: str | None = None
    # Spark only: a warehouse export (a directory, or a URL Spark reads) to take the facts
    # and the usage events from, instead of the operational database and ``events_path``.
    warehouse: str | None = None


# The facts copied into DuckDB, without usage events: the default of reads that need none.
FACTS_ONLY = AnalyticsSource()
