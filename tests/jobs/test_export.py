"""The scheduled warehouse export: written by the daily refresh of ``kasasu serve``."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.health.features import RefreshConfig
from kasasu.jobs.export import ExportSetup
from kasasu.jobs.scheduler import DailyRefresh
from tests.health.golden_health import add_health_base, write_health_events


def test_the_scheduler_exports_after_the_refresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kasasu.db"
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        add_health_base(session)
    events = write_health_events(tmp_path / "events.duckdb")
    out = tmp_path / "export"
    zone = "Asia/Tokyo"
    # 0.2 s before 03:00 JST on 2026-11-24, then at real speed (as tests/jobs/test_scheduler).
    start, started = datetime(2026, 11, 24, 2, 59, 59, 800_000, ZoneInfo(zone)), monotonic()
    daily = DailyRefresh(
        engine,
        RefreshConfig(zone, "JPY"),
        time(3),
        None,
        export=ExportSetup(out, events),
        clock=lambda: start + timedelta(seconds=monotonic() - started),
    )
    daily.start()
    try:
        deadline = monotonic() + 60
        while not (out / "_schema.json").exists() and monotonic() < deadline:
            sleep(0.1)
    finally:
        daily.stop()
        engine.dispose()
    # The day refreshed is in the export: H1 and H2 pay on 2026-11-24, H3 was cancelled.
    scores = out / "health_scores" / "day=2026-11-24" / "part-0.parquet"
    assert pq.read_table(scores).num_rows == 2
    assert pq.read_table(out / "usage_events").num_rows == 6  # golden_health.EVENTS
