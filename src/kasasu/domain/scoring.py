"""Health scoring rules (DESIGN.md §5): measures → points → a weighted, explained score.

A scorecard is a list of measures, each reading one per-account feature, turning its value
into 0–100 points by thresholds, linearly between two bounds, or by its percentile among the
accounts the scorecard scores, and weighing it. The score is the weighted mean of the measures
that have a value (weights renormalised over them); with less than half the weight known the
score is unknown rather than a guess. Each measure's contribution is its share of the score,
so the contributions add up to the score and say why it is what it is.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Band(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Bands:
    """red < ``red_below`` ≤ yellow < ``green_from`` ≤ green."""

    red_below: float = 40.0
    green_from: float = 70.0

    def band(self, score: float | None) -> Band:
        if score is None:
            return Band.UNKNOWN
        if score < self.red_below:
            return Band.RED
        return Band.GREEN if score >= self.green_from else Band.YELLOW


@dataclass(frozen=True)
class Step:
    """Values up to ``up_to`` (inclusive) get ``points``; None closes the list (any value)."""

    up_to: float | None
    points: float


@dataclass(frozen=True)
class Thresholds:
    steps: tuple[Step, ...]

    def points(self, value: float) -> float:
        for step in self.steps:
            if step.up_to is None or value <= step.up_to:
                return step.points
        return self.steps[-1].points  # unreachable for a validated list (it ends open)


@dataclass(frozen=True)
class Linear:
    """0 points at ``zero`` or beyond it, 100 at ``full`` or beyond, a straight line between.

    ``zero`` may be above ``full`` for measures where less is better (days since last use).
    """

    zero: float
    full: float

    def points(self, value: float) -> float:
        share = (value - self.zero) / (self.full - self.zero)
        return 100.0 * min(1.0, max(0.0, share))


@dataclass(frozen=True)
class Percentile:
    """Points = the value's percentile rank among the accounts scored together (0–100)."""

    higher_is_better: bool = True


Scoring = Thresholds | Linear | Percentile


@dataclass(frozen=True)
class Measure:
    metric: str
    weight: float
    scoring: Scoring


@dataclass(frozen=True)
class Scorecard:
    name: str
    measures: tuple[Measure, ...]
    bands: Bands = field(default_factory=Bands)
    # Account fields an account must match to be scored by this card (empty: any account).
    applies_to: Mapping[str, str] = field(default_factory=dict)
    min_known_weight: float = 0.5  # share of the total weight that must have data

    def matches(self, account: Mapping[str, object]) -> bool:
        return all(str(account.get(k)) == v for k, v in self.applies_to.items())


@dataclass(frozen=True)
class MeasureScore:
    metric: str
    value: float | None
    points: float | None
    weight: float
    contribution: float | None  # points × weight ÷ weight with data; None when unknown


@dataclass(frozen=True)
class Score:
    score: float | None
    band: Band
    measures: tuple[MeasureScore, ...]


def known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def percentile_ranks(values: Sequence[float | None]) -> list[float | None]:
    """Each known value's rank among the known ones, 0 (lowest) to 100 (highest).

    (values below + half of the other equal values) ÷ (known values − 1) × 100: ties share
    the midpoint, a lone value gets 50. Unknown values stay unknown.
    """
    data = sorted(v for v in values if known(v))  # type: ignore[type-var]
    n = len(data)
    if n == 0:
        return [None] * len(values)
    if n == 1:
        return [50.0 if known(v) else None for v in values]
    ranks: list[float | None] = []
    for v in values:
        if not known(v):
            ranks.append(None)
            continue
        below = _count_below(data, v)  # type: ignore[arg-type]
        equal = _count_below(data, v, inclusive=True) - below  # type: ignore[arg-type]
        ranks.append(100.0 * (below + (equal - 1) / 2) / (n - 1))
    return ranks


def _count_below(data: list[float], value: float, *, inclusive: bool = False) -> int:
    return (bisect_right if inclusive else bisect_left)(data, value)


def measure_points(measure: Measure, values: Sequence[float | None]) -> list[float | None]:
    """The points of one measure for accounts scored together (percentile needs them all)."""
    rule = measure.scoring
    if isinstance(rule, Percentile):
        ranks = percentile_ranks(values)
        if rule.higher_is_better:
            return ranks
        return [None if r is None else 100.0 - r for r in ranks]
    return [rule.points(v) if known(v) else None for v in values]  # type: ignore[arg-type]


def combine(
    card: Scorecard, values: Sequence[float | None], points: Sequence[float | None]
) -> Score:
    """One account's score from its measures' values and points (in the card's order)."""
    total = sum(m.weight for m in card.measures)
    with_data = sum(m.weight for m, p in zip(card.measures, points, strict=True) if p is not None)
    if total <= 0 or with_data < card.min_known_weight * total:
        parts = tuple(
            MeasureScore(m.metric, v, p, m.weight, None)
            for m, v, p in zip(card.measures, values, points, strict=True)
        )
        return Score(None, Band.UNKNOWN, parts)
    parts = tuple(
        MeasureScore(m.metric, v, p, m.weight, None if p is None else p * m.weight / with_data)
        for m, v, p in zip(card.measures, values, points, strict=True)
    )
    score = math.fsum(part.contribution or 0.0 for part in parts)
    score = min(100.0, max(0.0, score))  # rounding can step a hair outside 0–100
    return Score(score, card.bands.band(score), parts)


def score_accounts(card: Scorecard, rows: Sequence[Mapping[str, float | None]]) -> list[Score]:
    """Scores for accounts scored together by ``card``; each row maps feature → value."""
    columns = [[_number(row.get(m.metric)) for row in rows] for m in card.measures]
    points = [measure_points(m, col) for m, col in zip(card.measures, columns, strict=True)]
    return [
        combine(card, [col[i] for col in columns], [pts[i] for pts in points])
        for i in range(len(rows))
    ]


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool | str):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Change:
    metric: str
    before: float | None  # contribution a while ago (None: unknown then)
    after: float | None
    delta: float  # contribution now − then; a measure without data contributes 0


def changes(now: Mapping[str, float | None], before: Mapping[str, float | None]) -> list[Change]:
    """How each measure's contribution moved, largest move first.

    With both scores known, the deltas add up to the score's change.
    """
    names = list(dict.fromkeys([*now, *before]))
    moved = [
        Change(
            name,
            before.get(name),
            now.get(name),
            (now.get(name) or 0.0) - (before.get(name) or 0.0),
        )
        for name in names
    ]
    return sorted(moved, key=lambda c: -abs(c.delta))
