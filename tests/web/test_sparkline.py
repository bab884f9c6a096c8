"""Sparklines by hand: where each point lands, gaps, clamping and a single day."""

from __future__ import annotations

from kasasu.web.sparkline import sparkline


def test_points_spread_over_the_width_with_0_at_the_bottom() -> None:
    assert sparkline([0, 50, 100]) == ["0.0,24.0 50.0,12.0 100.0,0.0"]


def test_a_missing_day_breaks_the_line_and_values_are_clamped() -> None:
    assert sparkline([100, None, 25, 150, -5]) == [
        "0.0,0.0 0.0,0.0",
        "50.0,18.0 75.0,0.0 100.0,24.0",
    ]


def test_nothing_or_one_day() -> None:
    assert sparkline([]) == []
    assert sparkline([None, None]) == []
    assert sparkline([40]) == ["0.0,14.4 0.0,14.4"]
