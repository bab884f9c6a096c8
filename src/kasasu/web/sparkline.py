"""A sparkline as an SVG polyline, drawn on the server: a measure's points over the score's
trend at a glance, with no script and nothing to load."""

from __future__ import annotations

from collections.abc import Sequence

WIDTH, HEIGHT = 100.0, 24.0


def sparkline(values: Sequence[float | None], top: float = 100.0) -> list[str]:
    """The polylines' ``points`` attributes, one per run of known values (a day without a
    value breaks the line); x spreads the days over the width, y puts 0 at the bottom and
    ``top`` at the top. A lone known day is a dot (a zero-length segment)."""
    if not values:
        return []
    step = WIDTH / (len(values) - 1) if len(values) > 1 else 0.0
    runs: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        y = HEIGHT - max(0.0, min(value, top)) / top * HEIGHT
        runs[-1].append(f"{i * step:.1f},{y:.1f}")
    return [" ".join(run * 2 if len(run) == 1 else run) for run in runs if run]
