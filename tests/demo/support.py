"""Generate demo data into fresh SQLite and DuckDB files, as ``kasasu demo`` does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.demo.schemas import DemoOptions, DemoSummary
from kasasu.demo.service import generate_demo
from kasasu.models import Base

AS_OF = date(2025, 11, 23)


@dataclass(frozen=True)
class DemoRun:
    url: str
    events_path: Path
    summary: DemoSummary
    options: DemoOptions


def run_demo(directory: Path, **options: int) -> DemoRun:
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / 'kasasu.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    chosen = DemoOptions(as_of=AS_OF, zone="Asia/Tokyo", currency="JPY", **options)
    events = directory / "events.duckdb"
    try:
        with transaction(session_factory(engine)) as session:
            summary = generate_demo(session, chosen, events_path=events)
    finally:
        engine.dispose()
    return DemoRun(url, events, summary, chosen)


# When `kasasu demo` ran, not what it generated: the shipped playbooks it installs, and the
# audit log's entries for them, carry the moment of the command.
# Stamped when installed (the shipped playbooks and onboarding templates), not demo data.
RUN_CLOCK = {
    "playbooks": {"created_at", "updated_at"},
    "onboarding_templates": {"created_at", "updated_at"},
    "onboarding_template_versions": {"created_at"},
    "audit_log": {"at"},
    "sdk_environments": {"created_at", "updated_at"},
    "guides": {"created_at"},
}


def dump(url: str, events_path: Path) -> tuple[dict[str, list[Any]], pa.Table]:
    """Every operational table ordered by its primary key, and every event with every column
    (but the columns of RUN_CLOCK)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = {
            table.name: connection.execute(
                sa.select(
                    *(c for c in table.columns if c.name not in RUN_CLOCK.get(table.name, ()))
                ).order_by(*table.primary_key.columns)
            ).all()
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    with duckdb.connect(str(events_path), read_only=True) as con:
        events = con.sql("SELECT * FROM usage_events ORDER BY event_id").to_arrow_table()
    return tables, events
