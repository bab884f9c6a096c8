"""Three engines, one answer: the health features on DuckDB, PostgreSQL and Spark agree."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.features import account_features
from kasasu.analytics.sources import Sources
from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.warehouse.backends import analytics_backend, usage_events
from kasasu.warehouse.source import AnalyticsSource, Engine
from tests.conftest import new_postgres_database
from tests.engines import copy_events_to_postgres, events_to_parquet
from tests.health.golden_health import AS_OF, add_health_base, write_health_events

# With the other Spark tests on one worker, so Spark starts once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _features(session: Any, engine: Engine, events: Path | None) -> list[dict[str, Any]]:
    with analytics_backend(session, AnalyticsSource(engine, events), guides=True) as backend:
        src = Sources.from_backend(backend, usage_events(backend, engine))
        rows = evaluate(account_features(src, AS_OF, "Asia/Tokyo", "JPY")).to_pylist()
    return sorted(rows, key=lambda r: r["account_id"])


# Py4J (PySpark's bridge to the JVM) leaves closing pooled sockets to the garbage collector.
@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_duckdb_postgres_and_spark_compute_identical_features(tmp_path: Path) -> None:
    store = write_health_events(tmp_path / "events.duckdb")
    with new_postgres_database() as url:
        upgrade(url)
        engine = create_db_engine(url)
        with transaction(session_factory(engine)) as session:
            ids = add_health_base(session)
        copy_events_to_postgres(store, url)
        lake = events_to_parquet(store, tmp_path / "events.parquet")
        with session_factory(engine)() as session:
            found = {
                "duckdb": _features(session, "duckdb", store),
                "postgres": _features(session, "postgres", None),
                "spark": _features(session, "spark", lake),
            }
        engine.dispose()
    gc.collect()  # so Py4J's sockets are closed within this test's warning filter
    assert found["duckdb"] == found["postgres"] == found["spark"]
    h1 = next(r for r in found["spark"] if r["account_id"] == ids["H1"])
    # By hand in tests/health/golden_health.py: the events really were read on Spark.
    assert (h1["events_30d"], h1["dau_mau"], h1["median_response_hours_90d"]) == (3, 0.05, 2.5)
    assert len(found["spark"]) == 2
