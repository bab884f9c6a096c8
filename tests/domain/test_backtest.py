"""Backtest statistics checked by hand and against their textbook identities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.backtest import Observation, by_band, lift, roc_auc
from kasasu.domain.scoring import Band


def _pairwise_auc(scores: list[float], churned: list[bool]) -> float:
    """The definition itself: over every churner-stayer pair, 1 if the churner scored lower,
    ½ if tied, 0 otherwise; the mean."""
    pairs = [
        1.0 if c < s else 0.5 if c == s else 0.0
        for c, cc in zip(scores, churned, strict=True)
        if cc
        for s, sc in zip(scores, churned, strict=True)
        if not sc
    ]
    return sum(pairs) / len(pairs)


def test_auc_by_hand() -> None:
    # Churners score 10 and 50; stayers 40, 60, 80. Pairs (c < s): 10 < all 3; 50 < 60, 80.
    # 5 of 6 pairs → 0.8333.
    assert roc_auc([10, 40, 50, 60, 80], [True, False, True, False, False]) == pytest.approx(5 / 6)
    assert roc_auc([1, 2, 3], [True, True, True]) is None
    assert roc_auc([5, 5], [True, False]) == 0.5  # a tie is worth half


@given(
    st.lists(
        st.tuples(st.integers(0, 20).map(float), st.booleans()), min_size=2, max_size=40
    ).filter(lambda rows: 0 < sum(c for _s, c in rows) < len(rows))
)
def test_auc_equals_the_pairwise_definition(rows: list[tuple[float, bool]]) -> None:
    scores, churned = [s for s, _c in rows], [c for _s, c in rows]
    assert roc_auc(scores, churned) == pytest.approx(_pairwise_auc(scores, churned))


def test_band_rates_and_lift_by_hand() -> None:
    obs = [
        Observation(20, Band.RED, churned=True),
        Observation(30, Band.RED, churned=False),
        Observation(50, Band.YELLOW, churned=False),
        Observation(90, Band.GREEN, churned=False),
        Observation(None, Band.UNKNOWN, churned=True),  # not scored: outside the lift
    ]
    red = next(b for b in by_band(obs) if b.band is Band.RED)
    assert (red.accounts, red.churned, red.churn_rate) == (2, 1, 0.5)
    # Scored: 1 churner in 4 → 25%; red 50% → lift 2.0.
    assert lift(obs) == pytest.approx(2.0)
