"""The three LTV forms of DESIGN.md §4, by hand."""

from __future__ import annotations

import math

import pytest

from kasasu.analytics import (
    SBGModel,
    fit_sbg,
    ltv_projected,
    ltv_seed,
    ltv_simple,
    retention_periods_from_churn,
)
from kasasu.errors import InvalidInput


def test_simple_ltv_by_hand() -> None:
    # ¥50,000 a month at 80% margin, 2% of accounts lost a month: ¥40,000 ÷ 0.02.
    assert ltv_simple(50_000, 0.8, 0.02) == pytest.approx(2_000_000, rel=1e-12)
    assert ltv_simple(50_000, 1.0, 1.0) == pytest.approx(50_000, rel=1e-12)


def test_simple_ltv_without_churn_is_not_defined() -> None:
    assert ltv_simple(50_000, 0.8, 0.0) is None


def test_seed_ltv_by_hand() -> None:
    # ¥10,000 a purchase, twice a month, for 24 months.
    assert ltv_seed(10_000, 2, 24) == pytest.approx(480_000, rel=1e-12)


def test_retention_periods_are_the_inverse_of_churn() -> None:
    assert retention_periods_from_churn(0.04) == pytest.approx(25, rel=1e-12)
    assert ltv_seed(10_000, 2, retention_periods_from_churn(0.04)) == pytest.approx(500_000)
    assert retention_periods_from_churn(0.0) is None
    assert ltv_seed(10_000, 2, retention_periods_from_churn(0.0)) is None


def test_projected_ltv_is_the_models() -> None:
    model = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    assert ltv_projected(model, 10_000, 0.1) == model.expected_lifetime_value(10_000, 0.1)
    # α = β = 1 at 10%: Σ_{t≥0} (1/1.1)^t/(t+1) = 1.1·ln 11 (see test_sbg).
    uniform = ltv_projected(SBGModel(1.0, 1.0), 10_000, 0.1)
    assert uniform == pytest.approx(10_000 * 1.1 * math.log(11), rel=1e-12)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ((-1, 0.8, 0.02), "arpa"),
        ((50_000, 1.2, 0.02), "gross_margin"),
        ((50_000, -0.1, 0.02), "gross_margin"),
        ((50_000, 0.8, 1.5), "monthly_logo_churn_rate"),
        ((50_000, 0.8, math.inf), "monthly_logo_churn_rate"),
    ],
)
def test_simple_ltv_refuses_bad_input(arguments: tuple[float, float, float], field: str) -> None:
    with pytest.raises(InvalidInput, match=field) as caught:
        ltv_simple(*arguments)
    assert caught.value.errors[0].loc == (field,)


def test_seed_ltv_refuses_bad_input() -> None:
    with pytest.raises(InvalidInput, match="retention_periods"):
        ltv_seed(10_000, 2, -3)
    with pytest.raises(InvalidInput, match="purchase_frequency_per_period"):
        ltv_seed(10_000, math.nan, 3)
    with pytest.raises(InvalidInput, match="churn_rate"):
        retention_periods_from_churn(-0.5)
