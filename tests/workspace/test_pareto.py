"""The churn-reason Pareto: one rule for the churn page, its API and the Excel report."""

from __future__ import annotations

import pytest

from kasasu.metrics.pareto import churn_pareto


def test_reasons_by_mrr_then_accounts_with_shares_by_hand() -> None:
    mrr = {"price": 300, "product": 100, "other": 0, "support": 100}
    logos = {"price": 2, "product": 1, "other": 0, "support": 3}
    rows = churn_pareto(mrr, logos)
    # "other" neither cost MRR nor an account: not a row. Equal MRR: more accounts first.
    assert [r.reason for r in rows] == ["price", "support", "product"]
    assert [r.share for r in rows] == [pytest.approx(0.6), pytest.approx(0.2), pytest.approx(0.2)]
    assert [r.cumulative for r in rows] == [
        pytest.approx(0.6),
        pytest.approx(0.8),
        pytest.approx(1.0),
    ]
    assert [r.logos for r in rows] == [2, 3, 1]


def test_accounts_without_mrr_are_rows_without_a_share() -> None:
    [row] = churn_pareto({"price": 0, "other": None}, {"price": 2})
    assert (row.reason, row.mrr, row.logos, row.share, row.cumulative) == (
        "price",
        0,
        2,
        None,
        None,
    )
