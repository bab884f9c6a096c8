"""The sBG retention model against Fader & Hardie (2007), hand algebra and its own identities."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from kasasu.analytics import SBGModel, fit_sbg
from kasasu.analytics.models.sbg import discounted_survival_sum
from kasasu.errors import InvalidInput

# Fader & Hardie (2007), the two segments' survivors at the start of years 0..12; the paper
# fits years 0..7 and holds out years 8..12 to show the projection.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
FIT_YEARS = 8  # counts for years 0..7


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
    ids=["regular", "high-end"],
)
def test_fit_matches_the_papers_estimates(survivors: list[int], alpha: float, beta: float) -> None:
    model = fit_sbg(survivors[:FIT_YEARS])
    assert model.alpha == pytest.approx(alpha, rel=0.01)
    assert model.beta == pytest.approx(beta, rel=0.01)


@pytest.mark.parametrize("survivors", [REGULAR, HIGH_END], ids=["regular", "high-end"])
def test_projection_tracks_the_held_out_years(survivors: list[int]) -> None:
    model = fit_sbg(survivors[:FIT_YEARS])
    projected = model.projected_survivors(survivors[0], len(survivors) - 1)
    # The paper's figures show the sBG projection close to years 8-12 (measured here: within
    # 2% for regular, 4.1% at year 12 for high end); 5% leaves room for no more than that.
    for year in range(FIT_YEARS, len(survivors)):
        assert projected[year] == pytest.approx(survivors[year], rel=0.05)


def test_fit_reports_the_log_likelihood_of_its_data() -> None:
    model = fit_sbg(REGULAR[:FIT_YEARS])
    lost = [REGULAR[t - 1] - REGULAR[t] for t in range(1, FIT_YEARS)]
    by_hand = sum(n * math.log(model.churn_probability(t + 1)) for t, n in enumerate(lost))
    by_hand += REGULAR[FIT_YEARS - 1] * math.log(model.survival(FIT_YEARS - 1))
    assert model.log_likelihood == pytest.approx(by_hand, rel=1e-12)


# α = β = 1 makes θ uniform on [0, 1], so S(t) = ∫ (1−θ)^t dθ = 1/(t+1) and
# P(T = t) = S(t−1) − S(t) = 1/(t(t+1)); the retention rate is r_t = S(t)/S(t−1) = t/(t+1).
UNIFORM = SBGModel(alpha=1.0, beta=1.0)


def test_uniform_churn_by_hand() -> None:
    assert [UNIFORM.survival(t) for t in range(5)] == pytest.approx([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5])
    assert UNIFORM.churn_probability(1) == pytest.approx(1 / 2)
    assert UNIFORM.churn_probability(2) == pytest.approx(1 / 6)
    assert UNIFORM.retention_rate(1) == pytest.approx(1 / 2)
    assert UNIFORM.retention_rate(2) == pytest.approx(2 / 3)
    assert UNIFORM.projected_survivors(1200, 3) == pytest.approx([1200, 600, 400, 300])


def test_uniform_lifetime_value_by_hand() -> None:
    # With q = 1/1.1, Σ_{t≥0} q^t/(t+1) = −ln(1−q)/q = 1.1·ln 11: the closed form's value.
    closed = 1.1 * math.log(11)
    first_terms = 1 + (1 / 2) / 1.1 + (1 / 3) / 1.1**2 + (1 / 4) / 1.1**3
    # 1 + 0.454545 + 0.275482 + 0.187829, summed by hand; the tail brings it to 2.637685
    assert first_terms == pytest.approx(1.917856, abs=1e-6)
    assert closed == pytest.approx(2.637685, abs=1e-6)
    value = UNIFORM.expected_lifetime_value(1000, 0.1)
    assert value == pytest.approx(1000 * closed, rel=1e-12)
    assert first_terms * 1000 < value
    assert discounted_survival_sum(UNIFORM, 0.1) == pytest.approx(closed, rel=1e-12)


def test_no_heterogeneity_gives_the_geometric_value() -> None:
    # Huge α, β with mean θ = 0.2 is a constant 20% churn: Σ 0.8^t/1.05^t = 1.05/0.25.
    model = SBGModel(alpha=2e6, beta=8e6)
    assert model.expected_lifetime_value(1, 0.05) == pytest.approx(4.2, rel=1e-5)


alphas_betas = st.floats(min_value=0.01, max_value=100.0)


@given(alpha=alphas_betas, beta=alphas_betas, horizon=st.integers(min_value=1, max_value=200))
def test_survival_identities(alpha: float, beta: float, horizon: int) -> None:
    model = SBGModel(alpha, beta)
    survival = [model.survival(t) for t in range(horizon + 1)]
    assert survival[0] == 1.0
    assert all(later <= earlier for earlier, later in itertools.pairwise(survival))
    for t in range(horizon):
        assert survival[t] - survival[t + 1] == pytest.approx(
            model.churn_probability(t + 1), abs=1e-12
        )
    churned = math.fsum(model.churn_probability(t) for t in range(1, horizon + 1))
    assert churned + survival[horizon] == pytest.approx(1.0, abs=1e-12)


def _series_by_recurrence(model: SBGModel, rate: float) -> float:
    """The same sum from S(t+1) = S(t)·(β+t)/(α+β+t), sharing no code with the model."""
    q, term, total, t = 1 / (1 + rate), 1.0, 1.0, 0
    while term > 1e-17 * rate * total:
        term *= (model.beta + t) / (model.alpha + model.beta + t) * q
        total, t = total + term, t + 1
    return total


@given(alpha=alphas_betas, beta=alphas_betas, rate=st.floats(min_value=0.001, max_value=2.0))
def test_lifetime_value_sums_the_series(alpha: float, beta: float, rate: float) -> None:
    model = SBGModel(alpha, beta)
    series = _series_by_recurrence(model, rate)
    assert model.expected_lifetime_value(1.0, rate) == pytest.approx(series, rel=1e-10)


# scipy's hyp2f1 returns inf or wrong digits for whole-number α with d below about 0.003
# and for α or β near 100 (scipy 1.17), which is why the model sums the series; where it
# is sound, the closed form must agree.
@given(
    alpha=st.floats(min_value=0.05, max_value=10.0),
    beta=st.floats(min_value=0.05, max_value=10.0),
    rate=st.floats(min_value=0.01, max_value=2.0),
)
def test_lifetime_value_equals_the_closed_form(alpha: float, beta: float, rate: float) -> None:
    closed = float(hyp2f1(1.0, beta, alpha + beta, 1 / (1 + rate)))
    assert discounted_survival_sum(SBGModel(alpha, beta), rate) == pytest.approx(closed, rel=1e-9)


def test_small_discount_rates_stay_exact() -> None:
    # α = β = 1 at d = 0.002 (hyp2f1 gets this wrong): −ln(1−q)/q = 1.002·ln 501.
    assert discounted_survival_sum(UNIFORM, 0.002) == pytest.approx(1.002 * math.log(501))
    # α = 1, β = 7.85 at d = 1/512 was hyp2f1's 14.23 against the true 29.33.
    model = SBGModel(1.0, 7.847599407771461)
    assert discounted_survival_sum(model, 0.001953125) == pytest.approx(
        _series_by_recurrence(model, 0.001953125), rel=1e-10
    )


@settings(deadline=None)  # one fit is milliseconds, but the first call warms scipy up
@given(
    alpha=st.floats(min_value=0.1, max_value=10.0),
    beta=st.floats(min_value=0.1, max_value=10.0),
    periods=st.integers(min_value=6, max_value=24),
)
def test_fit_recovers_the_model_that_made_the_data(alpha: float, beta: float, periods: int) -> None:
    truth = SBGModel(alpha, beta)
    survivors = [round(10**6 * truth.survival(t)) for t in range(periods + 1)]
    model = fit_sbg(survivors)
    # Rounding to whole customers is the only noise; a few percent is generous for it.
    assert model.alpha == pytest.approx(alpha, rel=0.03)
    assert model.beta == pytest.approx(beta, rel=0.03)


def test_flat_retention_fits_as_constant_churn() -> None:
    # Halving every period shows no heterogeneity: the fit goes to the geometric limit.
    model = fit_sbg([1000, 500, 250, 125])
    assert model.retention_rate(1) == pytest.approx(0.5, abs=1e-3)
    assert model.retention_rate(10) == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize(
    ("survivors", "loc"),
    [
        ([], ("survivors",)),
        ([1000], ("survivors",)),
        ([1000, 600], ("survivors",)),
        ([1000, 600, 700], ("survivors", 2)),
        ([1000, -1, -2], ("survivors", 1)),
        ([1000, 600.5, 500], ("survivors", 1)),
        ([1000, True, 0], ("survivors", 1)),
        ([0, 0, 0], ("survivors", 0)),
    ],
)
def test_bad_counts_are_refused_naming_the_field(
    survivors: list[int], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        fit_sbg(survivors)
    assert [error.loc for error in caught.value.errors] == [loc]


def test_rising_counts_say_where() -> None:
    with pytest.raises(InvalidInput, match="period 2 has 700, more than the 600 before it"):
        fit_sbg([1000, 600, 700])


@pytest.mark.parametrize(
    ("survivors", "reason"),
    [([1000, 1000, 1000], "has churned yet"), ([1000, 0, 0], "churned in the first period")],
)
def test_cohorts_without_a_finite_fit_are_refused(survivors: list[int], reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        fit_sbg(survivors)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: UNIFORM.survival(-1), "t"),
        (lambda: UNIFORM.churn_probability(0), "t"),
        (lambda: UNIFORM.expected_lifetime_value(100, 0.0), "discount_rate"),
        (lambda: UNIFORM.expected_lifetime_value(-1, 0.1), "value_per_period"),
        (lambda: UNIFORM.expected_lifetime_value(math.nan, 0.1), "value_per_period"),
    ],
)
def test_bad_arguments_are_refused(call: Callable[[], object], name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.errors[0].loc == (name,)
