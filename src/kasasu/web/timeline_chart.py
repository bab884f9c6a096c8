"""Onboarding timelines (a Gantt-like view) drawn by the server: each bar's place on a
0–100 scale between the first start and the last due day shown, its done part, whether it
is late, and where today falls. The page draws them as SVG rectangles (no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kasasu.onboarding.schemas import OnboardingBoard, OnboardingRead


@dataclass(frozen=True)
class Bar:
    x: float  # start, 0–100
    width: float
    done: float  # the done part's width, from x
    late: bool  # a step open past its due day


@dataclass(frozen=True)
class Timeline:
    first: date
    last: date
    bars: list[Bar]
    today: float | None  # None when today is outside the window


def _timeline(spans: list[tuple[date, date, float, bool]], today: date) -> Timeline | None:
    """``spans``: (start, end, done share 0–1, late) per bar."""
    if not spans:
        return None
    first = min(s for s, _e, _d, _l in spans)
    last = max([e for _s, e, _d, _l in spans] + [first + timedelta(days=1)])
    days = (last - first).days

    def at(day: date) -> float:
        return round(100 * (day - first).days / days, 2)

    bars = []
    for start, end, share, late in spans:
        x, width = at(start), max(at(max(end, start)) - at(start), 0.5)
        bars.append(Bar(x, width, round(width * share, 2), late))
    return Timeline(first, last, bars, at(today) if first <= today <= last else None)


def portfolio_bars(board: OnboardingBoard) -> Timeline | None:
    """A bar per plan on the page: from its start to its last step's due day, filled as far
    as its steps are done."""
    return _timeline(
        [
            (
                r.started_on,
                r.last_due or r.started_on,
                r.done / r.steps if r.steps else 0,
                r.late > 0,
            )
            for r in board.rows
        ],
        board.today,
    )


def step_bars(plan: OnboardingRead, today: date) -> Timeline | None:
    """A bar per step: from the previous step's due day (the start for the first) to its
    own; done steps filled."""
    spans, previous = [], plan.started_on
    for step in plan.steps:
        due = step.due_date or previous
        late = step.done_at is None and due < today
        spans.append((min(previous, due), due, 1.0 if step.done_at else 0.0, late))
        previous = due
    return _timeline(spans, today)
