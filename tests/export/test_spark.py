"""The cluster run (issue 21), on Spark ``local[2]``: the daily features computed from a
warehouse export equal the embedded DuckDB engine's, computed from the database itself."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.features import account_features
from kasasu.analytics.sources import Sources
from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.export.service import export_parquet
from kasasu.warehouse.backends import analytics_backend, usage_events
from kasasu.warehouse.source import AnalyticsSource
from tests.demo.support import AS_OF, run_demo

# With the other Spark tests on one worker, so Spark starts once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _features(session: Any, source: AnalyticsSource) -> list[dict[str, Any]]:
    with analytics_backend(session, source, guides=True) as backend:
        src = Sources.from_backend(backend, usage_events(backend, source.engine))
        rows = evaluate(account_features(src, AS_OF, "Asia/Tokyo", "JPY")).to_pylist()
    return sorted(rows, key=lambda r: r["account_id"])


# Py4J (PySpark's bridge to the JVM) leaves closing pooled sockets to the garbage collector.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_spark_computes_the_features_from_the_export_as_duckdb_does(tmp_path: Path) -> None:
    demo = run_demo(tmp_path / "demo", accounts=40, months=4, seed=5)
    engine = create_db_engine(demo.url)
    out = tmp_path / "export"
    with transaction(session_factory(engine)) as session:
        exported = export_parquet(session, demo.events_path, out)
        embedded = _features(session, AnalyticsSource("duckdb", demo.events_path))
        # The warehouse only: the operational database is not read for the facts.
        spark = _features(session, AnalyticsSource("spark", warehouse=str(out)))
    engine.dispose()
    gc.collect()  # so Py4J's sockets are closed within this test's warning filter
    events = next(t.rows for t in exported.tables if t.name == "usage_events")
    assert events == demo.summary.events > 0
    assert spark == embedded
    assert len(spark) > 20  # the paying accounts of 40
    assert sum(r["events_30d"] or 0 for r in spark) > 0  # the events were read on Spark
