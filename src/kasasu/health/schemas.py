"""Scorecards as data (YAML or JSON) and the health answers of the API and CLI."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kasasu.analytics.features import MEASURABLE_NAMES
from kasasu.analytics.sources import FILTERABLE
from kasasu.domain.guides import GUIDE_PREFIX
from kasasu.domain.scoring import Bands, Linear, Measure, Percentile, Scorecard, Step, Thresholds
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.kit.types import Day, LocalText

CUSTOM_PREFIX = "custom."  # a measure on the account's custom field "x" reads "custom.x"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepIn(_Strict):
    up_to: float | None = None
    points: float = Field(ge=0, le=100)


class LinearIn(_Strict):
    zero: float  # the value that gives 0 points (or anything beyond it)
    full: float  # the value that gives 100 points


class PercentileIn(_Strict):
    higher_is_better: bool = True


class MeasureIn(_Strict):
    metric: str = Field(min_length=1, max_length=100)
    weight: float = Field(gt=0, le=1000)
    thresholds: list[StepIn] | None = None
    linear: LinearIn | None = None
    percentile: PercentileIn | None = None


class BandsIn(_Strict):
    red_below: float = Field(default=40, ge=0, le=100)
    green_from: float = Field(default=70, ge=0, le=100)


class ScorecardDefinition(_Strict):
    """A scorecard as written in YAML (see docs/health.md)."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    title: LocalText | Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: str | None = Field(default=None, max_length=2000)
    applies_to: dict[str, str] = Field(default_factory=dict)
    priority: int = Field(default=100, ge=0, le=10_000)
    bands: BandsIn = Field(default_factory=BandsIn)
    min_known_weight: float = Field(default=0.5, ge=0, le=1)
    measures: list[MeasureIn] = Field(min_length=1, max_length=50)

    def to_domain(self) -> Scorecard:
        return Scorecard(
            name=self.name,
            measures=tuple(_measure(m) for m in self.measures),
            bands=Bands(self.bands.red_below, self.bands.green_from),
            applies_to=dict(self.applies_to),
            min_known_weight=self.min_known_weight,
        )


def _measure(m: MeasureIn) -> Measure:
    if m.thresholds is not None:
        rule: Thresholds | Linear | Percentile = Thresholds(
            tuple(Step(s.up_to, s.points) for s in m.thresholds)
        )
    elif m.linear is not None:
        rule = Linear(m.linear.zero, m.linear.full)
    else:
        rule = Percentile(m.percentile.higher_is_better if m.percentile else True)
    return Measure(m.metric, m.weight, rule)


def check_definition(card: ScorecardDefinition) -> list[FieldError]:
    """What pydantic's shapes cannot say: known metrics, one scoring rule, ordered ranges."""
    errors = [
        FieldError(("applies_to", key), _("Not one of: {choices}", choices=", ".join(FILTERABLE)))
        for key in card.applies_to
        if key not in FILTERABLE
    ]
    if card.bands.red_below > card.bands.green_from:
        errors.append(
            FieldError(
                ("bands", "red_below"), _("Must not be above green_from"), card.bands.red_below
            )
        )
    seen: set[str] = set()
    for i, m in enumerate(card.measures):
        where = ("measures", i)
        if m.metric in seen:
            errors.append(FieldError((*where, "metric"), _("Measured twice"), m.metric))
        seen.add(m.metric)
        if m.metric not in MEASURABLE_NAMES and not any(
            m.metric.startswith(prefix) and len(m.metric) > len(prefix)
            for prefix in (CUSTOM_PREFIX, GUIDE_PREFIX)
        ):
            errors.append(
                FieldError(
                    (*where, "metric"),
                    _("Unknown feature; see 'kasasu health features' (or custom.FIELD, guide.KEY)"),
                    m.metric,
                )
            )
        rules = [r for r in (m.thresholds, m.linear, m.percentile) if r is not None]
        if len(rules) > 1:
            errors.append(
                FieldError(where, _("Give one scoring rule: thresholds, linear or percentile"))
            )
        errors.extend(_check_rule(m, where))
    return errors


def _check_rule(m: MeasureIn, where: tuple[str | int, ...]) -> list[FieldError]:
    if m.linear is not None and m.linear.zero == m.linear.full:
        return [FieldError((*where, "linear", "full"), _("Must differ from zero"), m.linear.full)]
    if m.thresholds is None:
        return []
    steps = m.thresholds
    if not steps or steps[-1].up_to is not None:
        return [
            FieldError(
                (*where, "thresholds"),
                _("The last range must have no up_to (it takes every larger value)"),
            )
        ]
    bounds = [s.up_to for s in steps[:-1]]
    if any(b is None for b in bounds):
        return [FieldError((*where, "thresholds"), _("Only the last range may have no up_to"))]
    for k, (low, high) in enumerate(pairwise(bounds)):
        if high <= low:  # type: ignore[operator]  # None was ruled out just above
            return [
                FieldError(
                    (*where, "thresholds", k + 1, "up_to"),
                    _("up_to must grow from one range to the next"),
                    high,
                )
            ]
    return []


class ScorecardRead(BaseModel):
    name: str
    version: int
    created_at: datetime
    definition: dict[str, Any]


class MeasureRead(BaseModel):
    metric: str
    title: str
    value: float | None
    shown: str  # the value as a CSM reads it (20%, 12 days, ¥30,000), in the request's language
    points: float | None
    weight: float
    contribution: float | None
    trend: list[float | None] = Field(
        default=[], description="Its points on each day of the score's trend (same days)"
    )


class TrendPoint(BaseModel):
    as_of: Day
    score: float | None
    band: str


class ChangeRead(BaseModel):
    metric: str
    title: str
    before: float | None
    after: float | None
    delta: float


class HealthRead(BaseModel):
    account_id: int
    external_id: str
    name: str
    as_of: Day
    score: float | None
    band: str  # red, yellow, green; unknown: not enough data (coverage below the minimum)
    band_title: str  # the band as people read it, in the request's language
    coverage: float | None  # share of the scorecard's weight that had data, 0–1
    min_coverage: float  # the scorecard's minimum coverage for a score and a band
    scorecard: str
    scorecard_version: int
    touch_model: str | None
    segment: str | None
    measures: list[MeasureRead]
    trend: list[TrendPoint]
    compared_with: Day | None
    score_change: float | None
    changes: list[ChangeRead]
    summary: list[str]  # sentences a CSM reads first, in the request's language


class HealthListItem(BaseModel):
    account_id: int
    external_id: str
    name: str
    as_of: Day
    score: float | None
    band: str
    coverage: float | None


class BacktestBand(BaseModel):
    band: str  # unknown: not enough data, its own row, outside the AUC and the red lift
    accounts: int  # account-days observed in the band
    churned: int
    churn_rate: float | None


class BacktestCard(BaseModel):
    """One scorecard's part of a backtest: the account-days it scored and how it did."""

    name: str
    version: int | None  # None: a draft read from a file, not stored
    observations: int
    scored: int  # with a score (the rest: not enough data)
    churned: int
    auc: float | None


class BacktestReport(BaseModel):
    scorecards: list[str]  # "name vN" of each card used, in the order they are tried
    cards: list[BacktestCard]
    horizon_days: int
    first_day: Day
    last_day: Day
    days: int
    observations: int  # account-days: accounts paying on a feature day
    scored: int  # of which with a known score
    churned: int  # scored account-days not paying horizon days later
    auc: float | None
    bands: list[BacktestBand]
    red_lift: float | None
