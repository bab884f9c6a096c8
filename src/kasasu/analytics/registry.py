"""Every KPI once: its name, unit, definition (ja/en) and Ibis expression.

A KPI's expression returns one row per period with ``period``, ``value``, ``numerator`` and
``denominator`` (numerator and denominator are null where the KPI is not a ratio), plus any
breakdown columns. Its ``explain`` expression lists the accounts behind the number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.evaluate import materialize
from kasasu.analytics.sources import Sources, period_table
from kasasu.domain.periods import Period, add_months
from kasasu.domain.scoring import Band
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
    """What a KPI expression is built from; shared intermediate tables are built once.

    ``parts`` and ``movements`` are materialised (run once into a temporary table, see
    ``evaluate.materialize``) on first use, so the KPIs that read them share one computation
    instead of each rerunning contracts → line MRR → account MRR → movements: on the metrics
    benchmark (20,000 accounts, 100,000 lines, 24 months) this, the kept ``trailing`` and the
    per-window movements took all KPIs from 10.5 s to 3.5 s (each movement KPI ~0.3 s →
    ~0.02 s). ``share=False`` (the service's choice for a single KPI) keeps
    them plain expressions: with nothing to share, writing the movements first made the MRR
    movements KPI ~0.08 s slower (0.34 s vs 0.25 s).
    """

    sources: Sources
    period_list: list[Period]
    currency: str
    zone: str = "Asia/Tokyo"
    scales: Mapping[str, float] = field(default_factory=dict)
    gross_margin: float = 1.0
    # The health bands a loyal customer may have on its latest score by a period's end
    # (DESIGN.md §4: green); empty: health is no condition.
    loyal_bands: tuple[str, ...] = (Band.GREEN.value,)
    share: bool = True
    # The day cohort KPIs (the funnel) are observed on, exclusive: what happened before it
    # counts. None: the end of the last period.
    as_of: date | None = None
    _trailing: dict[int, Inputs] = field(default_factory=dict, init=False, repr=False)
    _memo: dict[str, ir.Table] = field(default_factory=dict, init=False, repr=False)
    # The inputs the KPI request started from; windows derived from it (trailing 12 months,
    # the loyal-customer months) read its account MRR instead of computing their own.
    root: Inputs | None = field(default=None, repr=False)

    def shared(self, key: str, build: Callable[[], ir.Table]) -> ir.Table:
        """A table several KPIs read (e.g. both cohort matrices), built and materialised once."""
        if key not in self._memo:
            self._memo[key] = self._shared(build())
        return self._memo[key]

    @property
    def observed_until(self) -> date:
        """``as_of``, else the day after the last period's last day."""
        return self.as_of or self.period_list[-1].end

    @cached_property
    def periods(self) -> ir.Table:
        """period, start, end, months, start_at, end_at (see sources.period_table)."""
        return period_table(self.period_list, self.zone)

    def trailing(self, months: int) -> Inputs:
        """The same inputs over windows of ``months`` months ending where each period ends.

        Kept per ``months``, so the KPIs over the same windows (GRR and NRR over 12 months)
        share their materialised movements rather than building them twice (~0.3 s saved on
        the metrics benchmark).
        """
        if months not in self._trailing:
            windows = [Period(add_months(p.end, -months), p.end, p.label) for p in self.period_list]
            self._trailing[months] = replace(self, period_list=windows, root=self._root)
        return self._trailing[months]

    @cached_property
    def _line_mrr(self) -> ir.Table:
        days = revenue.at_boundaries(d for p in self.period_list for d in (p.start, p.end))
        return revenue.line_mrr(self.sources, days, self.currency, self.scales)

    def _shared(self, table: ir.Table) -> ir.Table:
        return materialize(table) if self.share else table

    @cached_property
    def parts(self) -> ir.Table:
        """(account_id, product, months, at, mrr, lines): line MRR summed per account, product
        and billing interval, on every day this request looks at.

        The one pass over the contract lines that the account MRR (movements, cohorts), the
        per-product moves (upsell, cross-sell) and the seed-formula LTV all read; one pass
        instead of three took all 31 KPIs from ~3.45 s to ~3.15 s on the metrics benchmark.
        """
        if self.share:
            return self._root._all_days_parts
        return revenue.mrr_parts(self._line_mrr)

    @property
    def _root(self) -> Inputs:
        return self.root or self

    @cached_property
    def all_days(self) -> list[date]:
        """Every period start and end, and every month's first day from 24 months before the
        first period's end to the last period's end: the days any window of this request
        (trailing 12 months, the loyal-customer months, the cohorts' month ends, the 24 months
        of cohorts behind the projected LTV) looks at."""
        days = {d for p in self.period_list for d in (p.start, p.end)}
        day, last = add_months(self.period_list[0].end, -24), self.period_list[-1].end
        while day <= last:
            days.add(day)
            day = add_months(day, 1)
        return sorted(days)

    @cached_property
    def _all_days_parts(self) -> ir.Table:
        """The MRR parts on every day any window of this request starts or ends, built once.

        The 12-month windows and the six monthly windows before each period's end start at
        month firsts up to 12 months before a period ends; computing the MRR on all of those
        days in one pass, instead of once per set of windows, saved ~0.6 s of the ~3.4 s that
        all KPIs took on the metrics benchmark.
        """
        days = revenue.at_boundaries(self.all_days)
        lines = revenue.line_mrr(self.sources, days, self.currency, self.scales)
        return materialize(revenue.mrr_parts(lines))

    @cached_property
    def _all_days_account_mrr(self) -> ir.Table:
        return materialize(revenue.account_mrr(self._all_days_parts))

    @cached_property
    def account_mrr(self) -> ir.Table:
        if self.share:
            return self._root._all_days_account_mrr

        # One KPI alone: straight from the line expression, as writing a shared table first
        # only pays when several KPIs read it (~0.15 s more for the MRR movements alone).
        return revenue.account_mrr(self._line_mrr)

    def account_mrr_on(self, days: Iterable[date]) -> ir.Table:
        """(account_id, at, mrr) with mrr > 0, at least at the boundaries ``days`` (month
        firsts no later than the last period's end; the caller joins on ``at``).

        Shared, that is the request's account MRR on all its days (``all_days``), so the
        cohort matrices do not price the contracts again (~0.15 s on the metrics benchmark).
        """
        if self.share:
            return self._root._all_days_account_mrr
        lines = revenue.line_mrr(
            self.sources, revenue.at_boundaries(days), self.currency, self.scales
        )
        return revenue.account_mrr(lines)

    @cached_property
    def product_moves(self) -> ir.Table:
        """(period, account_id, product, start, end) for accounts paying at the start.

        Shared by upsell and cross-sell, which read the same per-product MRR.
        """
        parts = self.parts
        # Only the period boundaries: ``parts`` holds ~twice as many days (the windows' too).
        parts = parts.semi_join(revenue.boundaries(self.periods), "at")
        by_product = parts.group_by(["account_id", "product", "at"]).aggregate(mrr=parts.mrr.sum())
        moves = revenue.start_end(self.periods, by_product, ["account_id", "product"])
        base = self.movements.filter(self.movements.start > 0).select("period", "account_id")
        return self._shared(moves.semi_join(base, ["period", "account_id"]))

    @cached_property
    def movements(self) -> ir.Table:
        """Per period and account: start, end and the five movements, materialised."""
        first = revenue.first_paid_day(self.sources)
        return self._shared(revenue.movements(self.periods, self.account_mrr, first))


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
    # A last step in Python on the evaluated rows, for what SQL cannot do (a model fit).
    finish: Callable[[Inputs, list[dict[str, Any]]], list[dict[str, Any]]] | None = None
    pareto: bool = False  # show the breakdown largest first (e.g. churn by reason)
