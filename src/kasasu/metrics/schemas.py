from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from kasasu.domain.money import Amounts
from kasasu.domain.periods import Grain
from kasasu.domain.reporting import Reporting
from kasasu.domain.scoring import Band
from kasasu.kit.i18n import Message, _
from kasasu.kit.types import Day

MISSING_RATES = (
    "MRR of contract lines whose currency has no exchange rate to the reporting currency on "
    "or before the days this period reads (its start and its last day): per currency, the "
    "larger of the two, in minor units of that currency. It is left out of the figure."
)


@dataclass(frozen=True)
class MetricQuery:
    """Which KPIs, over which months, at which grain, for which accounts."""

    names: tuple[str, ...]
    first_month: Day
    last_month: Day
    grain: Grain = Grain.MONTH
    fiscal_year_start: int = 4
    currency: str = "JPY"
    zone: str = "Asia/Tokyo"
    filters: dict[str, Any] = field(default_factory=dict)
    gross_margin: float = 1.0
    loyal_bands: tuple[str, ...] = (Band.GREEN.value,)  # () : loyal customers of any health
    # The day cohort KPIs (the funnel) are observed on, exclusive; None: the last period's end.
    as_of: Day | None = None

    @classmethod
    def reported(
        cls,
        reporting: Reporting,
        names: Sequence[str],
        first_month: date,
        last_month: date | None = None,
        grain: Grain = Grain.MONTH,
    ) -> MetricQuery:
        """The KPIs ``names`` from ``first_month`` to ``last_month`` (the same month by
        default) as ``reporting`` reports them: one place that turns a context into a query."""
        return cls(
            names=tuple(names),
            first_month=first_month,
            last_month=last_month or first_month,
            grain=grain,
            fiscal_year_start=reporting.fiscal_year_start,
            currency=reporting.currency,
            zone=reporting.zone,
            gross_margin=reporting.gross_margin,
            # Today: a cohort is observed as it stands now, whichever periods are shown.
            as_of=reporting.today(),
        )


class MetricAbout(BaseModel):
    """A KPI of the registry as people read it."""

    name: str
    title: str
    definition: str
    unit: str
    explainable: bool  # the accounts behind each period can be listed


class MetricValue(BaseModel):
    """One KPI for one period: the stable JSON shape of `kasasu metrics --format json`."""

    metric: str
    period: str
    start: Day = Field(description="First day of the period (local)")
    end: Day = Field(description="Day after the period's last day (local)")
    unit: str = Field(description="money (minor units of currency), rate (fraction), count, ...")
    currency: str | None = Field(description="Currency of money values")
    value: float | None
    numerator: float | None
    denominator: float | None
    breakdown: dict[str, int | float | None] | None = None
    missing_rates: dict[str, int] = Field(default_factory=dict, description=MISSING_RATES)


class ExplainRow(BaseModel):
    """One account behind a figure, with its amounts (minor units) or counts."""

    account_id: int
    external_id: str
    name: str
    amounts: dict[str, float | int | None]


class Explanation(BaseModel):
    metric: str
    period: str
    value: float | None
    rows: list[ExplainRow]
    totals: dict[str, float | int]
    missing_rates: dict[str, int] = Field(default_factory=dict, description=MISSING_RATES)


@dataclass(frozen=True)
class MissingRates:
    """Contract MRR that KPIs left out for want of an exchange rate, over the periods asked:
    per currency the largest amount in a period (minor units of that currency)."""

    currency: str  # the reporting currency
    amounts: dict[str, int]
    periods: tuple[str, ...]

    def message(self) -> Message:
        return _(
            "No exchange rate to {currency} for part of the MRR: {amounts} (largest in a "
            "period; periods {periods}). The figures leave it out.",
            currency=self.currency,
            amounts=Amounts("", amounts=tuple(sorted(self.amounts.items()))),
            periods=", ".join(self.periods),
        )
