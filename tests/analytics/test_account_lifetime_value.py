"""An account's residual lifetime value: DERL of Fader & Hardie (2010) and its risk-adjusted
form, by hand where the sBG has a closed form (α = β = 1 gives S(t) = 1/(1+t))."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from kasasu.analytics import SBGModel, account_lifetime_value
from kasasu.errors import InvalidInput

Q = 1 / 1.1  # a discount rate of 10% a period


def _log_tail(k: int) -> float:
    """Σ_{j≥k} q^j / j = −ln(1 − q) − Σ_{j<k} q^j / j, with −ln(1 − q) = ln 11 at d = 10%."""
    return math.log(11) - sum(Q**j / j for j in range(1, k))


def _derl_uniform(n: int) -> float:
    """α = β = 1: S(t)/S(n−1) = n/(t+1), so DERL(n) = Σ_{t≥n} n/(t+1) · q^(t−n)
    = n / q^(n+1) · Σ_{j≥n+1} q^j / j."""
    return n / Q ** (n + 1) * _log_tail(n + 1)


def test_residual_lifetime_by_hand() -> None:
    model = SBGModel(1.0, 1.0)
    # n = 1: 1.21 × (ln 11 − 1/1.1) = 1.8014532...
    assert model.residual_lifetime(1, 0.1) == pytest.approx(1.8014532801, rel=1e-9)
    for n in (2, 5, 24):
        assert model.residual_lifetime(n, 0.1) == pytest.approx(_derl_uniform(n), rel=1e-9)


def test_residual_lifetime_matches_the_published_closed_form() -> None:
    # Fader & Hardie (2010), eq. 6, on the "regular" cohort of Fader & Hardie (2007).
    a, b, d = 0.704, 1.182, 0.1
    model = SBGModel(a, b)
    for n in (1, 2, 5, 10):
        closed = (b + n - 1) / (a + b + n - 1) * hyp2f1(1, b + n, a + b + n, 1 / (1 + d))
        assert model.residual_lifetime(n, d) == pytest.approx(closed, rel=1e-9)


def test_residual_lifetime_rises_with_tenure() -> None:
    # The customers still there after many periods are the loyal ones.
    model = SBGModel(0.704, 1.182)
    values = [model.residual_lifetime(n, 0.01) for n in (1, 2, 6, 12, 36)]
    assert values == sorted(values)
    assert values[0] < values[-1]


@settings(max_examples=60, deadline=None)
@given(
    alpha=st.floats(0.05, 50),
    beta=st.floats(0.05, 50),
    d=st.floats(0.005, 0.5),
)
def test_a_new_customer_is_one_payment_plus_the_residual_after_it(
    alpha: float, beta: float, d: float
) -> None:
    # E(CLV) = Σ_{t≥0} S(t) q^t = 1 + q · Σ_{t≥1} S(t)/S(0) q^(t−1) = 1 + q · DERL(1).
    model = SBGModel(alpha, beta)
    whole = model.expected_lifetime_value(1.0, d)
    assert whole == pytest.approx(1 + model.residual_lifetime(1, d) / (1 + d), rel=1e-9)


def test_account_value_without_risk_is_mrr_times_derl() -> None:
    model = SBGModel(1.0, 1.0)
    assert account_lifetime_value(model, 50_000, 3, 0.1) == pytest.approx(
        50_000 * _derl_uniform(3), rel=1e-9
    )


def test_risk_replaces_the_cohort_odds_over_the_horizon() -> None:
    model = SBGModel(1.0, 1.0)
    # Paid 1 month, 50% risk over 3 months: the next three payments come with probability
    # 0.5^(1/3), 0.5^(2/3), 0.5, then the cohort's odds from 4 months paid.
    expected = 10_000 * (
        sum(0.5 ** (k / 3) * Q ** (k - 1) for k in (1, 2, 3)) + 0.5 * Q**3 * _derl_uniform(4)
    )
    assert account_lifetime_value(model, 10_000, 1, 0.1, risk=0.5) == pytest.approx(
        expected, rel=1e-9
    )
    assert account_lifetime_value(model, 10_000, 1, 0.1, risk=1.0) == 0.0
    sure = 10_000 * (1 + Q + Q**2 + Q**3 * _derl_uniform(4))
    assert account_lifetime_value(model, 10_000, 1, 0.1, risk=0.0) == pytest.approx(sure)


@settings(max_examples=40, deadline=None)
@given(low=st.floats(0, 1), high=st.floats(0, 1), paid=st.integers(1, 60))
def test_more_risk_never_raises_the_value(low: float, high: float, paid: int) -> None:
    low, high = sorted((low, high))
    model = SBGModel(0.704, 1.182)
    safer = account_lifetime_value(model, 1_000, paid, 0.008, risk=low)
    riskier = account_lifetime_value(model, 1_000, paid, 0.008, risk=high)
    assert riskier <= safer * (1 + 1e-12)


def test_bad_input_names_the_field() -> None:
    model = SBGModel(1.0, 1.0)
    with pytest.raises(InvalidInput) as caught:
        account_lifetime_value(model, 1_000, 0, 0.1)
    assert caught.value.errors[0].loc == ("paid_periods",)
    with pytest.raises(InvalidInput) as caught:
        account_lifetime_value(model, 1_000, 2, 0.1, risk=1.5)
    assert caught.value.errors[0].loc == ("risk",)
