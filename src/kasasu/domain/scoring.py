"""Health scoring rules (DESIGN.md §5): measures → points → a weighted, explained score.

A scorecard is a list of measures, each reading one per-account feature, turning its value
into 0–100 points by thresholds, linearly between two bounds, or by its percentile among the
accounts the scorecard scores, and weighing it. The score is the weighted mean of the measures
that have a value (weights renormalised over them). Its coverage is the share of the card's
weight that had a value; below the card's ``min_known_weight`` the score is unknown rather
than a guess, and the account has no band ("not enough data"), never red. Each measure's
contribution is its share of the score, so the contributions add up to the score and say why
it is what it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from kasasu.kit.choices import LabelledChoice
from kasasu.kit.i18n import Message, _


class Band(LabelledChoice):
    RED = "red", _("red")
    YELLOW = "yellow", _("yellow")
    GREEN = "green", _("green")
    # Not enough data: coverage below the scorecard's minimum. Never red, never a guess.
    UNKNOWN = "unknown", _("not enough data")


def band_label(band: str | None) -> Message:
    """A band as people read it; anything but red, yellow or green is "not enough data"."""
    known = {b.value: b for b in Band}
    return known.get(band or "", Band.UNKNOWN).label


# How much attention a band asks for: an account "turned worse" when its concern rose. Not
# enough data, or not scored at all, asks for none (it is never counted as red).
CONCERN = {Band.RED.value: 2, Band.YELLOW.value: 1}


def concern(band: str | None) -> int:
    return CONCERN.get(band or "", 0)


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


class MeasureScore(NamedTuple):
    """A tuple: a refresh makes one per account and measure (~220,000 for 20,000 accounts),
    and a tuple is built several times faster than a frozen dataclass."""

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
    coverage: float  # share of the card's weight with data, 0–1


def known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def percentile_ranks(values: Sequence[float | None]) -> list[float | None]:
    """Each known value's rank among the known ones, 0 (lowest) to 100 (highest).

    (values below + half of the other equal values) ÷ (known values − 1) × 100: ties share
    the midpoint, a lone value gets 50. Unknown values stay unknown.
    """
    ranks = _percentiles(_column(values))
    return [None if math.isnan(r) else float(r) for r in ranks]


def _column(values: Sequence[object]) -> np.ndarray:
    return np.array([_number(v) for v in values], dtype=float)  # None → NaN


def _percentiles(column: np.ndarray) -> np.ndarray:
    out = np.full(column.shape, np.nan)
    has = ~np.isnan(column)
    n = int(has.sum())
    if n == 1:
        out[has] = 50.0
    elif n > 1:
        _unique, where, counts = np.unique(column[has], return_inverse=True, return_counts=True)
        below = np.cumsum(counts) - counts
        out[has] = (100.0 * (below + (counts - 1) / 2) / (n - 1))[where]
    return out


def _points(rule: Scoring, column: np.ndarray) -> np.ndarray:
    """Points (0–100) for one measure's column of values; NaN where there is no value."""
    if isinstance(rule, Percentile):
        ranks = _percentiles(column)
        return ranks if rule.higher_is_better else 100.0 - ranks
    if isinstance(rule, Linear):
        share = np.clip((column - rule.zero) / (rule.full - rule.zero), 0.0, 1.0)
        return 100.0 * share
    bounds = np.array([s.up_to for s in rule.steps if s.up_to is not None], dtype=float)
    points = np.array([s.points for s in rule.steps], dtype=float)
    # The first range whose up_to is at or above the value (the open last range otherwise).
    index = np.minimum(np.searchsorted(bounds, column, side="left"), len(points) - 1)
    return np.where(np.isnan(column), np.nan, points[index])


@dataclass(frozen=True)
class ScoreTable:
    """The scores of accounts scored together by one card, column-wise: row i is account i,
    column j is the card's measure j; NaN is "no data" (or, for a contribution, "unknown")."""

    card: Scorecard
    values: np.ndarray
    points: np.ndarray
    contributions: np.ndarray
    scores: np.ndarray
    coverage: np.ndarray  # per account: share of the card's weight with data, 0–1

    def __len__(self) -> int:
        return len(self.scores)

    def band(self, i: int) -> Band:
        return self.card.bands.band(self.score_of(i))

    def score_of(self, i: int) -> float | None:
        score = self.scores[i]
        return None if math.isnan(score) else float(score)

    def score(self, i: int) -> Score:
        parts = tuple(
            MeasureScore(m.metric, _plain(v), _plain(p), m.weight, _plain(c))
            for m, v, p, c in zip(
                self.card.measures,
                self.values[i],
                self.points[i],
                self.contributions[i],
                strict=True,
            )
        )
        return Score(self.score_of(i), self.band(i), parts, self.coverage_of(i))

    def coverage_of(self, i: int) -> float:
        return float(self.coverage[i])


def _plain(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def score_table(card: Scorecard, rows: Sequence[Mapping[str, object]]) -> ScoreTable:
    """Scores for accounts scored together by ``card``; each row maps feature → value.

    Column-wise with numpy: a refresh scores ~20,000 accounts × ~11 measures.
    """
    k = len(card.measures)
    values = np.empty((len(rows), k))
    for j, m in enumerate(card.measures):
        values[:, j] = _column([row.get(m.metric) for row in rows])
    points = np.empty_like(values)
    for j, m in enumerate(card.measures):
        points[:, j] = _points(m.scoring, values[:, j])
    weights = np.array([m.weight for m in card.measures], dtype=float)
    total = float(weights.sum())
    has = ~np.isnan(points)
    with_data = has.astype(float) @ weights
    scored = (with_data > 0) & (with_data >= card.min_known_weight * total)
    share = np.divide(weights, with_data[:, None], out=np.zeros_like(values), where=scored[:, None])
    contributions = np.where(has & scored[:, None], points * share, np.nan)
    sums = np.clip(np.nansum(contributions, axis=1), 0.0, 100.0)  # a hair outside by rounding
    scores = np.where(scored, sums, np.nan)
    coverage = with_data / total if total else np.zeros(len(rows))
    return ScoreTable(card, values, points, contributions, scores, coverage)


def score_accounts(card: Scorecard, rows: Sequence[Mapping[str, object]]) -> list[Score]:
    """Each account's :class:`Score` (see :func:`score_table`)."""
    table = score_table(card, rows)
    return [table.score(i) for i in range(len(table))]


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
