"""The one place where an analytics expression is executed."""

from __future__ import annotations

from uuid import uuid4

import ibis.expr.types as ir
import pyarrow as pa

from kasasu.analytics._compat import CACHED_PREFIX, is_spark, spark_cached, to_arrow
from kasasu.kit import deadline


def evaluate(expression: ir.Table) -> pa.Table:
    """Run ``expression`` on its backend and return the rows as Arrow; not when the work
    was stopped (kasasu.kit.deadline: the query would not be interrupted if it started
    just after the interruption)."""
    deadline.check()
    return to_arrow(expression)


def materialize(expression: ir.Table) -> ir.Table:
    """Run ``expression`` once into a temporary table of its backend; return that table.

    For an intermediate result many KPIs read (the MRR movements, the line MRR): an Ibis
    expression is otherwise inlined, so every KPI reran the whole chain from the contracts.
    The table is the connection's own (a temporary table on DuckDB and PostgreSQL alike) and
    goes when the connection closes; the service opens one per call. Not ``Table.cache()``:
    its weakref finalizer drops the table when the expression is collected, which can be
    after the service has closed the connection, and then fails.
    """
    deadline.check()
    name = f"{CACHED_PREFIX}{uuid4().hex}"
    if is_spark(expression):
        return spark_cached(expression, name)
    backend = expression.get_backend()
    table: ir.Table = backend.create_table(name, expression, temp=True)
    return table
