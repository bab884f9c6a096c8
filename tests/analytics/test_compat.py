"""Each engine quirk handled in kasasu.analytics._compat, shown on the engine that has it."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import ibis
import pyarrow as pa
import pytest

from kasasu.analytics._compat import to_arrow, utc_timestamps, whole_days
from kasasu.analytics.evaluate import materialize
from kasasu.warehouse.spark import release, spark_session

# With the other Spark tests on one worker, so Spark starts once (--dist loadgroup); slow,
# since the first to run starts Spark.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]

ROWS = pa.table(
    {
        "n": pa.array([1, None, 3], pa.int64()),
        "x": pa.array([1.5, float("nan"), None], pa.float64()),
        "at": pa.array(
            [datetime(2026, 1, 31, 15, tzinfo=UTC), None, datetime(2026, 2, 1, tzinfo=UTC)],
            pa.timestamp("us", tz="UTC"),
        ),
    }
)


@pytest.fixture(scope="module")
def spark() -> ibis.BaseBackend:
    session = spark_session("local[2]")
    session.createDataFrame(ROWS).createOrReplaceTempView("compat_rows")
    return ibis.pyspark.connect(session)


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_spark_timestamps_come_back_as_utc_instants(spark: ibis.BaseBackend) -> None:
    raw = spark.table("compat_rows")
    assert raw.schema()["at"].timezone is None  # the quirk: ibis reads them zone-less
    fixed = utc_timestamps(raw)
    assert fixed.schema()["at"].timezone == "UTC"
    cutoff = ibis.literal(datetime(2026, 2, 1, tzinfo=UTC), type="timestamp('UTC')")
    assert to_arrow(fixed.filter(fixed.at < cutoff).select("n"))["n"].to_pylist() == [1]
    gc.collect()


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_spark_rows_keep_nulls_nan_and_64_bit_integers(spark: ibis.BaseBackend) -> None:
    table = to_arrow(utc_timestamps(spark.table("compat_rows")).order_by(ibis.desc("n")))
    assert table.schema.field("n").type == pa.int64()
    assert table["n"].to_pylist() == [3, 1, None]  # the null stays a null, not 0 or NaN
    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")
    x = table["x"].to_pylist()
    assert x[0] is None
    assert x[2] != x[2]  # NaN stays NaN; ibis's pandas path would make it null
    gc.collect()


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_a_shared_result_is_cached_once_on_spark_with_its_types(spark: ibis.BaseBackend) -> None:
    def views() -> set[str]:
        return {t.name for t in spark._session.catalog.listTables() if t.isTemporary}

    source = utc_timestamps(spark.table("compat_rows"))
    before = views()
    kept = materialize(source.mutate(doubled=source.n * 2))
    [cached] = views() - before  # a view of its own, not the expression inlined
    assert spark._session.catalog.isCached(cached)
    assert kept.schema() == source.mutate(doubled=source.n * 2).schema()  # UTC, 64-bit
    assert sorted(to_arrow(kept)["doubled"].to_pylist(), key=str) == [2, 6, None]
    release(spark, [])
    assert views() == before  # gone, and the views it did not make are still there
    gc.collect()


def test_quirks_change_nothing_elsewhere() -> None:
    duck = ibis.duckdb.connect().create_table("t", ROWS)
    assert utc_timestamps(duck) is duck


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_whole_days_from_a_midnight_on_duckdb_and_spark(spark: ibis.BaseBackend) -> None:
    """Days of 86,400 s from 15:00 UTC (midnight in Tokyo): DuckDB through its microseconds,
    Spark through epoch seconds; the last microsecond of a day still belongs to it."""
    first = datetime(2026, 1, 1, 15, tzinfo=UTC)
    micro, day = timedelta(microseconds=1), timedelta(days=1)
    instants = [first, first + micro, first + day - micro, first + day, first + 30 * day - micro]
    rows = pa.table(
        {"k": list(range(len(instants))), "at": pa.array(instants, pa.timestamp("us", tz="UTC"))}
    )
    spark._session.createDataFrame(rows.to_pandas()).createOrReplaceTempView("compat_days")
    tables = {
        "duckdb": ibis.duckdb.connect().create_table("days", rows),
        "spark": utc_timestamps(spark.table("compat_days")),
    }
    for engine, table in tables.items():
        found = to_arrow(table.select("k", d=whole_days(table, "at", first)).order_by("k"))
        assert found["d"].to_pylist() == [0, 0, 0, 1, 29], engine
    gc.collect()
