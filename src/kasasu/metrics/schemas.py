from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from kasasu.domain.periods import Grain


@dataclass(frozen=True)
class MetricQuery:
    """Which KPIs, over which months, at which grain, for which accounts."""

    names: tuple[str, ...]
    first_month: date
    last_month: date
    grain: Grain = Grain.MONTH
    fiscal_year_start: int = 4
    currency: str = "JPY"
    zone: str = "Asia/Tokyo"
    filters: dict[str, Any] = field(default_factory=dict)
    gross_margin: float = 1.0


class MetricValue(BaseModel):
    """One KPI for one period: the stable JSON shape of `kasasu metrics --format json`."""

    metric: str
    period: str
    start: date = Field(description="First day of the period (local)")
    end: date = Field(description="Day after the period's last day (local)")
    unit: str = Field(description="money (minor units of currency), rate (fraction), count, ...")
    currency: str | None = Field(description="Currency of money values")
    value: float | None
    numerator: float | None
    denominator: float | None
    breakdown: dict[str, int | float | None] | None = None


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
