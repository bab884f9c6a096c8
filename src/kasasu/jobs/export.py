"""The scheduled warehouse export (KASASU_EXPORT__PARQUET_DIR): after the daily refresh,
every table and the usage events as Parquet, as ``kasasu export parquet DIR`` writes them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.export.schemas import ExportResult
from kasasu.export.service import export_parquet


@dataclass(frozen=True)
class ExportSetup:
    directory: Path  # where the export is written
    events_path: Path  # the event store


def export_warehouse(engine: Engine, setup: ExportSetup) -> ExportResult:
    """The whole export, read in one transaction (it writes nothing to the database)."""
    with transaction(session_factory(engine)) as session:
        return export_parquet(session, setup.events_path, setup.directory)
