"""Every KPI once: its name, unit, definition (ja/en) and Ibis expression.

A KPI's expression returns one row per period with ``period``, ``value``, ``numerator`` and
``denominator`` (numerator and denominator are null where the KPI is not a ratio), plus any
breakdown columns. Its ``explain`` expression lists the accounts behind the number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.sources import Sources, period_table
from kasasu.domain.periods import Period, add_months
from kasasu.kit.i18n import Message


class Unit(StrEnum):
    MONEY = "money"  # integer minor units of the reporting currency
    RATE = "rate"  # a fraction; shown as a percentage with one decimal
    COUNT = "count"
    SCORE = "score"
    DAYS = "days"
    HOURS = "hours"


@dataclass
class Inputs:
    """What a KPI expression is built from; shared intermediate tables are built once."""

    sources: Sources
    period_list: list[Period]
    currency: str
    zone: str = "Asia/Tokyo"
    scales: Mapping[str, float] = field(default_factory=dict)
    gross_margin: float = 1.0

    @cached_property
    def periods(self) -> ir.Table:
        """period, start, end, months, start_at, end_at (see sources.period_table)."""
        return period_table(self.period_list, self.zone)

    def trailing(self, months: int) -> Inputs:
        """The same inputs over windows of ``months`` months ending where each period ends."""
        windows = [Period(add_months(p.end, -months), p.end, p.label) for p in self.period_list]
        return Inputs(
            self.sources, windows, self.currency, self.zone, self.scales, self.gross_margin
        )

    @cached_property
    def lines(self) -> ir.Table:
        days = revenue.boundaries(self.periods)
        return revenue.line_mrr(self.sources, days, self.currency, self.scales)

    @cached_property
    def account_mrr(self) -> ir.Table:
        return revenue.account_mrr(self.lines)

    @cached_property
    def movements(self) -> ir.Table:
        first = revenue.first_paid_day(self.sources)
        return revenue.movements(self.periods, self.account_mrr, first)


Expression = Callable[[Inputs], ir.Table]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: Unit
    title: Message
    definition: Message
    compute: Expression
    explain: Expression | None = None
    # Columns beyond period/value/numerator/denominator are the breakdown, in their order.
    breakdown: tuple[str, ...] = ()
    pareto: bool = False  # show the breakdown largest first (e.g. churn by reason)
