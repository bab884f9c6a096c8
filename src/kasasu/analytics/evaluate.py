"""The one place where an analytics expression is executed."""

from __future__ import annotations

import ibis.expr.types as ir
import pyarrow as pa


def evaluate(expression: ir.Table) -> pa.Table:
    """Run ``expression`` on its backend and return the rows as Arrow."""
    result: pa.Table = expression.to_pyarrow()
    return result
