"""The few places where an engine needs help to give the same answer; each has a test
(tests/analytics/test_compat.py)."""

from __future__ import annotations

from datetime import datetime

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

DAY_MICROSECONDS = 86_400_000_000


def _engine(table: ir.Table) -> str:
    return str(table.get_backend().name)


def utc_timestamps(table: ir.Table) -> ir.Table:
    """Spark: its timestamps are instants, but ibis reads them back as zone-less; say UTC.

    The cast changes no value (Spark's session zone is UTC); without it the instants come
    back without their zone and compare unlike the other engines'.
    """
    if _engine(table) != "pyspark":
        return table
    naive = {
        name: "timestamp('UTC')"
        for name, dtype in table.schema().items()
        if dtype.is_timestamp() and dtype.timezone is None
    }
    return table.cast(naive) if naive else table


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def _epoch_us(instant: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB's own function: microseconds since the epoch of an instant."""


def whole_days(table: ir.Table, column: str, first: datetime) -> ir.IntegerValue:
    """Whole days of 86,400 s from ``first`` to each row's instant ``column``. DuckDB reads
    the instant's microseconds as stored: ibis's ``epoch_seconds`` converts every value to a
    zone-less timestamp first (on 10M events, a fifth of the usage features' time with the
    comparisons it replaced; benchmarks/health.py)."""
    start = int(first.timestamp()) * 1_000_000
    if _engine(table) == "duckdb":
        return (_epoch_us(table[column]) - start) // DAY_MICROSECONDS
    micros = table[column].epoch_seconds().cast("int64") * 1_000_000
    return (micros - start) // DAY_MICROSECONDS


def is_spark(table: ir.Table) -> bool:
    return _engine(table) == "pyspark"


CACHED_PREFIX = "kasasu_tmp_"


def spark_cached(expression: ir.Table, name: str) -> ir.Table:
    """Spark (ibis 12 has no temporary tables there): the rows as a cached temporary view,
    computed once (``CACHE TABLE`` is eager), read back with the expression's own types
    (Spark would give, e.g., zone-less timestamps and 32-bit integers), so that the KPIs
    reading it do not each rerun the chain from the contracts. The view lives in the
    process's Spark session until ``kasasu.warehouse.spark.release``."""
    backend = expression.get_backend()
    backend._run_pre_execute_hooks(expression)  # registers the in-memory tables it reads
    backend._session.sql(f"CACHE TABLE `{name}` AS {backend.compile(expression)}")
    table: ir.Table = backend.table(name).cast(expression.schema())
    return table


def to_arrow(expression: ir.Table) -> pa.Table:
    """The rows as Arrow. Spark: through Spark's own Arrow export, not ibis's pandas path,
    which turns NaN into null and warns under pandas 3; then cast to the expression's
    schema (Spark returns, e.g., 32-bit integers where the others give 64)."""
    backend = expression.get_backend()
    if backend.name != "pyspark":
        result: pa.Table = expression.to_pyarrow()
        return result
    # ibis registers the expression's in-memory tables in this hook; its public path does
    # the same before compiling.
    backend._run_pre_execute_hooks(expression)
    frame = backend._session.sql(backend.compile(expression))
    table: pa.Table = frame.toArrow()
    return table.cast(expression.schema().to_pyarrow())
