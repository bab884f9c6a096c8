"""``kasasu export parquet`` as a user runs it, and the settings of the export."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kasasu.settings import Settings
from kasasu.wiring import export_setup
from tests.support.cli import kasasu


def test_the_command_writes_the_tables_asked_for(tmp_path: Path) -> None:
    assert kasasu(tmp_path, "init").returncode == 0
    out = tmp_path / "export"
    done = kasasu(
        tmp_path,
        "export",
        "parquet",
        str(out),
        "--tables",
        "accounts,usage_events",
        "--tables",
        "health_scores",
    )
    assert done.returncode == 0, done.stderr
    assert "0 rows in 3 tables written to" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "_schema.json",
        "accounts",
        "health_scores",
        "usage_events",
    ]
    assert pq.read_table(out / "accounts").num_rows == 0  # an empty table keeps its columns
    assert "external_id" in pq.read_schema(out / "accounts" / "part-0.parquet").names
    schema = json.loads((out / "_schema.json").read_text(encoding="utf-8"))["tables"]
    assert schema["health_scores"]["partitioned_by"] == {"day": "as_of"}
    assert schema["usage_events"]["partitioned_by"] == {"day": "occurred_at (UTC)"}
    assert schema["accounts"]["partitioned_by"] is None

    refused = kasasu(tmp_path, "export", "parquet", str(out), "--tables", "acounts")
    assert refused.returncode == 2
    assert "Unknown table acounts" in refused.stderr


def test_the_settings_of_the_export_and_of_spark_reading_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("EXPORT__PARQUET_DIR", "ANALYTICS_ENGINE", "ANALYTICS_WAREHOUSE", "EVENTS_PATH"):
        monkeypatch.delenv(f"KASASU_{name}", raising=False)
    monkeypatch.setenv("KASASU_DATA_DIR", "/srv/kasasu")
    assert export_setup(Settings()) is None
    monkeypatch.setenv("KASASU_EXPORT__PARQUET_DIR", "/srv/export")
    setup = export_setup(Settings())
    assert setup is not None
    assert (str(setup.directory), str(setup.events_path)) == (
        "/srv/export",
        "/srv/kasasu/events.duckdb",
    )

    monkeypatch.setenv("KASASU_ANALYTICS_WAREHOUSE", "hdfs://namenode/kasasu/export")
    embedded = Settings().analytics()  # DuckDB reads the operational database, not an export
    assert (embedded.engine, embedded.warehouse) == ("duckdb", None)
    monkeypatch.setenv("KASASU_ANALYTICS_ENGINE", "spark")
    spark = Settings().analytics()
    assert (spark.engine, spark.warehouse, spark.events_path) == (
        "spark",
        "hdfs://namenode/kasasu/export",  # a URL kept as written, for Spark to read
        None,  # the events are the export's
    )
