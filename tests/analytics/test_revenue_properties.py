"""Rules that hold for any subscription history (Hypothesis), checked on DuckDB."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasasu.analytics.catalog import find_metric
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.registry import Inputs
from kasasu.analytics.sources import Sources
from kasasu.domain.periods import Grain, periods
from kasasu.warehouse.backends import duckdb_of
from kasasu.warehouse.facts import COLUMNS, fact_schema

YEAR = periods(date(2025, 1, 1), date(2025, 12, 1), Grain.MONTH)
LINE = st.fixed_dictionaries(
    {
        "account": st.integers(1, 5),
        "product": st.sampled_from(["Core", "Add-on"]),
        "amount": st.integers(0, 200_000),
        "interval": st.sampled_from(["month", "quarter", "year"]),
        "start": st.integers(0, 420),  # days after 2024-11-01
        "length": st.none() | st.integers(1, 400),  # days until cancelled; None: still running
        "trial": st.booleans(),
    }
)


def _sources(lines: list[dict[str, Any]]) -> Sources:
    tables = {model.__tablename__: fact_schema(model).empty_table() for model in COLUMNS}
    tables["accounts"] = pa.Table.from_pylist(
        [{"id": i, "external_id": f"A{i}", "name": f"A{i}"} for i in range(1, 6)],
        schema=tables["accounts"].schema,
    )
    rows = []
    for n, line in enumerate(lines):
        start = date(2024, 11, 1) + timedelta(days=line["start"])
        cancelled = None if line["length"] is None else start + timedelta(days=line["length"])
        status = "trial" if line["trial"] else ("cancelled" if cancelled else "active")
        rows.append(
            {
                "id": n + 1,
                "external_id": f"S{n}",
                "account_id": line["account"],
                "product": line["product"],
                "amount": line["amount"],
                "currency": "JPY",
                "billing_interval": line["interval"],
                "start_date": start,
                "end_date": None,
                "auto_renew": True,
                "status": status,
                "cancelled_on": cancelled,
            }
        )
    tables["subscriptions"] = pa.Table.from_pylist(rows, schema=tables["subscriptions"].schema)
    return Sources.from_backend(duckdb_of(tables))


def _rows(name: str, inputs: Inputs) -> list[dict[str, Any]]:
    metric = find_metric(name)
    assert metric is not None
    return evaluate(metric.compute(inputs).order_by("period")).to_pylist()


@pytest.mark.slow  # Hypothesis examples through the KPI engine
@settings(max_examples=20, deadline=None)
@given(st.lists(LINE, max_size=12))
def test_movements_identity_and_retention_bounds(lines: list[dict[str, Any]]) -> None:
    inputs = Inputs(_sources(lines), YEAR, "JPY")
    moves = _rows("mrr_movements", inputs)
    for row in moves:  # the identity, exactly, in integers
        assert (
            row["start"]
            + row["new"]
            + row["reactivation"]
            + row["expansion"]
            - row["contraction"]
            - row["churn"]
            == row["end"]
        )
    for before, after in itertools.pairwise(moves):  # one instant, one MRR
        assert before["end"] == after["start"]
    grr, nrr = _rows("grr", inputs), _rows("nrr", inputs)
    for g, n, m in zip(grr, nrr, moves, strict=True):
        if g["denominator"]:
            assert 0 <= g["value"] <= 1
            # NRR − GRR is the expansion share: both share the start MRR of accounts active
            # at the start, and their numerators differ by exactly the expansion.
            assert n["numerator"] - g["numerator"] == m["expansion"]
        else:
            assert g["value"] is None
    for name in ("logo_churn_rate", "gross_mrr_churn_rate", "upsell_rate", "cross_sell_rate"):
        for row in _rows(name, inputs):
            assert row["value"] is None or 0 <= row["value"] <= 1, (name, row)


@settings(max_examples=15, deadline=None)
@given(st.lists(LINE, max_size=12))
def test_cohort_logo_retention_never_rises(lines: list[dict[str, Any]]) -> None:
    inputs = Inputs(_sources(lines), YEAR, "JPY")
    for row in _rows("cohort_logo_retention", inputs):
        curve = [row[f"m{k}"] for k in range(12) if row.get(f"m{k}") is not None]
        assert all(b <= a for a, b in itertools.pairwise(curve)), row
        assert all(0 <= share <= 1 for share in curve)


@settings(max_examples=15, deadline=None)
@given(st.lists(LINE, max_size=12))
def test_survival_runs_count_the_same_survivors_as_the_cohort_matrix(
    lines: list[dict[str, Any]],
) -> None:
    from kasasu.analytics.kpis_cohorts import kept_by_month
    from kasasu.analytics.kpis_ltv import _survival_runs, survivor_counts

    inputs = Inputs(_sources(lines), YEAR, "JPY", share=False)
    ends = {p.label: p.end for p in YEAR}
    matrix = {
        (ends[r["period"]], r["k"]): r["kept"]
        for r in evaluate(kept_by_month(inputs, logo=True)).to_pylist()
    }
    runs = survivor_counts(evaluate(_survival_runs(inputs)).to_pylist(), YEAR[-1].end)
    assert {key: n for key, n in runs.items() if key in matrix} == matrix
    assert all(n == 0 for key, n in runs.items() if key not in matrix)
