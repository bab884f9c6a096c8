"""Health scoring rules (DESIGN.md §5), with hand-computed cases and Hypothesis properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.scoring import (
    Band,
    Bands,
    Linear,
    Measure,
    Percentile,
    Scorecard,
    Step,
    Thresholds,
    changes,
    percentile_ranks,
    score_accounts,
)

DAYS = Thresholds((Step(3, 100), Step(14, 60), Step(30, 20), Step(None, 0)))


def test_thresholds_take_the_first_range_that_holds_the_value() -> None:
    assert [DAYS.points(v) for v in (0, 3, 3.5, 14, 29, 30, 31, 400)] == [
        100,
        100,
        60,
        60,
        20,
        20,
        0,
        0,
    ]


def test_linear_between_bounds_either_way() -> None:
    up = Linear(zero=-0.5, full=0.1)  # a 30-day trend of −50% or worse: 0; +10% or better: 100
    assert up.points(-0.8) == 0
    assert up.points(-0.2) == pytest.approx(50)  # (−0.2 + 0.5) ÷ 0.6
    assert up.points(0.3) == 100
    down = Linear(zero=30, full=0)  # days since last use: 30 or more → 0, today → 100
    assert down.points(6) == pytest.approx(80)  # (6 − 30) ÷ (0 − 30) = 0.8


def test_percentile_ranks_by_hand() -> None:
    # Sorted known values 1, 2, 2, 5 (n = 4): 1 → 0; 2 → (1 + 0.5) ÷ 3; 5 → 3 ÷ 3.
    assert percentile_ranks([5, None, 2, 1, 2]) == [100, None, 50, 0, 50]
    assert percentile_ranks([7.0]) == [50]
    assert percentile_ranks([None, None]) == [None, None]


def test_score_is_the_renormalised_weighted_mean_with_contributions() -> None:
    card = Scorecard(
        "t",
        (
            Measure("days_since_last_event", 20, DAYS),
            Measure("usage_trend_30d", 30, Linear(-0.5, 0.1)),
            Measure("latest_nps", 50, Linear(0, 10)),
        ),
    )
    [a, b] = score_accounts(
        card,
        [
            # 100 × 20 + 50 × 30 + 70 × 50 = 7,000 over weight 100 → 70.0, green.
            {"days_since_last_event": 2, "usage_trend_30d": -0.2, "latest_nps": 7},
            # NPS unknown: weights renormalised over 50: (20 × 20 + 0 × 30) ÷ 50 = 8.0, red.
            {"days_since_last_event": 20, "usage_trend_30d": -0.9, "latest_nps": None},
        ],
    )
    assert a.score == pytest.approx(70.0)
    assert a.band is Band.GREEN
    assert [m.contribution for m in a.measures] == pytest.approx([20.0, 15.0, 35.0])
    assert b.score == pytest.approx(8.0)
    assert b.band is Band.RED
    assert [m.contribution for m in b.measures] == [pytest.approx(8.0), 0.0, None]
    assert b.measures[2].points is None


def test_unknown_when_less_than_half_the_weight_has_data() -> None:
    card = Scorecard("t", (Measure("a", 40, Linear(0, 1)), Measure("b", 60, Linear(0, 1))))
    [only_a, only_b] = score_accounts(card, [{"a": 1, "b": None}, {"a": None, "b": 1}])
    assert (only_a.score, only_a.band) == (None, Band.UNKNOWN)  # 40% known
    assert only_b.score == 100  # 60% known
    assert only_b.band is Band.GREEN


def test_percentile_scoring_within_the_accounts_scored_together() -> None:
    card = Scorecard("t", (Measure("events_30d", 1, Percentile()),))
    scores = score_accounts(card, [{"events_30d": v} for v in (10, 30, 20)])
    assert [s.score for s in scores] == [0, 100, 50]
    card = Scorecard("t", (Measure("open_tickets", 1, Percentile(higher_is_better=False)),))
    scores = score_accounts(card, [{"open_tickets": v} for v in (0, 4)])
    assert [s.score for s in scores] == [100, 0]


def test_bands_are_configurable() -> None:
    bands = Bands(red_below=50, green_from=80)
    assert [bands.band(s) for s in (49.9, 50, 79.9, 80, None)] == [
        Band.RED,
        Band.YELLOW,
        Band.YELLOW,
        Band.GREEN,
        Band.UNKNOWN,
    ]


def test_what_changed_adds_up_to_the_score_change() -> None:
    moved = changes({"a": 30.0, "b": 10.0, "c": None}, {"a": 20.0, "b": 25.0, "c": 5.0})
    # a +10, b −15, c −5 (no data now): 40 − 50 = −10 = 10 − 15 − 5.
    assert [(c.metric, c.delta) for c in moved] == [("b", -15.0), ("a", 10.0), ("c", -5.0)]


values = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))
weights = st.floats(0.5, 100)
rules = st.sampled_from(
    [
        DAYS,
        Linear(-0.5, 0.1),
        Linear(30, 0),
        Percentile(),
        Percentile(higher_is_better=False),
    ]
)


@given(
    st.lists(st.tuples(weights, rules), min_size=1, max_size=6),
    st.lists(st.lists(values, min_size=6, max_size=6), min_size=1, max_size=12),
)
def test_scores_stay_in_range_and_contributions_add_up(
    measures: list[tuple[float, object]], rows: list[list[float | None]]
) -> None:
    card = Scorecard(
        "h",
        tuple(Measure(f"m{i}", w, rule) for i, (w, rule) in enumerate(measures)),  # type: ignore[arg-type]
    )
    named = [{f"m{i}": v for i, v in enumerate(row)} for row in rows]
    total = sum(w for w, _rule in measures)
    for score in score_accounts(card, named):
        known = sum(m.weight for m in score.measures if m.points is not None)
        if known < total / 2:
            assert score.score is None
            assert score.band is Band.UNKNOWN
            continue
        assert score.score is not None
        assert 0 <= score.score <= 100
        assert math.isclose(
            score.score, sum(m.contribution or 0 for m in score.measures), abs_tol=1e-9
        )
        assert all(0 <= (m.points or 0) <= 100 for m in score.measures)
        assert score.band is Bands().band(score.score)
