"""The cluster run (issue 21), on Spark ``local[2]``: the daily features computed from a
warehouse export equal the embedded DuckDB engine's, computed from the database itself."""

from __future__ import annotations

import gc
import json
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
from tests.demo.support import AS_OF, DemoRun, run_demo
from tests.support.cli import data_env, invoke_kasasu

# With the other Spark tests on one worker, so Spark starts once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _features(session: Any, source: AnalyticsSource) -> list[dict[str, Any]]:
    with analytics_backend(session, source, guides=True) as backend:
        src = Sources.from_backend(backend, usage_events(backend, source.engine))
        rows = evaluate(account_features(src, AS_OF, "Asia/Tokyo", "JPY")).to_pylist()
    return sorted(rows, key=lambda r: r["account_id"])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoRun, Path, int]:
    """A demo company and its warehouse export; the number of events exported."""
    directory = tmp_path_factory.mktemp("spark-export")
    demo = run_demo(directory / "demo", accounts=40, months=4, seed=5)
    engine = create_db_engine(demo.url)
    out = directory / "export"
    with transaction(session_factory(engine)) as session:
        written = export_parquet(session, demo.events_path, out)
    engine.dispose()
    events = next(t.rows for t in written.tables if t.name == "usage_events")
    return demo, out, events


# Py4J (PySpark's bridge to the JVM) leaves closing pooled sockets to the garbage collector.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_spark_computes_the_features_from_the_export_as_duckdb_does(
    exported: tuple[DemoRun, Path, int],
) -> None:
    demo, out, events = exported
    engine = create_db_engine(demo.url)
    with session_factory(engine)() as session:
        embedded = _features(session, AnalyticsSource("duckdb", demo.events_path))
        # The warehouse only: the operational database is not read for the facts.
        spark = _features(session, AnalyticsSource("spark", warehouse=str(out)))
    engine.dispose()
    gc.collect()  # so Py4J's sockets are closed within this test's warning filter
    assert events == demo.summary.events > 0
    assert spark == embedded
    assert len(spark) > 20  # the paying accounts of 40
    assert sum(r["events_30d"] or 0 for r in spark) > 0  # the events were read on Spark


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_kasasu_metrics_on_spark_reads_the_export_and_agrees(
    exported: tuple[DemoRun, Path, int],
) -> None:
    demo, out, _events = exported
    cluster = {
        "KASASU_ANALYTICS_ENGINE": "spark",
        "KASASU_ANALYTICS_URL": "local[2]",
        "KASASU_ANALYTICS_WAREHOUSE": str(out),
    }
    ask = ("metrics", "mrr", "active_account_rate", "funnel_win_rate", "--from", "2025-08")
    ask = (*ask, "--to", "2025-10", "--format", "json")
    env = data_env(demo.events_path.parent)
    embedded = invoke_kasasu(env, *ask)
    # No event store: Spark reads the events (and the facts) from the export.
    elsewhere = {**env, **cluster, "KASASU_EVENTS_PATH": str(out / "missing.duckdb")}
    on_spark = invoke_kasasu(elsewhere, *ask, "--engine", "spark")
    gc.collect()
    assert embedded.returncode == on_spark.returncode == 0, on_spark.stderr
    figures = json.loads(on_spark.stdout)
    assert figures == json.loads(embedded.stdout)
    assert len(figures) == 9  # three KPIs, three months
    active = [v for v in figures if v["metric"] == "active_account_rate"]
    assert all(v["numerator"] > 0 for v in active)  # the events were read on Spark
