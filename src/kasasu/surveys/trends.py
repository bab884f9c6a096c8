"""NPS, CSAT and CES by period, plan and segment, with the 95% interval and the number of
answers: the KPIs of ``kasasu.analytics.kpis_voice`` computed for each group of accounts.

A segment's accounts in a period are its members on the period's last day (the segment's
entered/left history). CSAT's interval is the Wald interval of a proportion,
p ± 1.96 × √(p(1 − p) ÷ n), kept within 0..1; CES (a mean) has none: the KPI keeps no spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import ibis
import ibis.expr.types as ir
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.kpis_voice import scores_by_group
from kasasu.analytics.registry import Inputs
from kasasu.domain.periods import Grain, Period, add_months, periods
from kasasu.domain.reporting import Reporting
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import inputs_for
from kasasu.segments.service import list_segments, segment_members
from kasasu.surveys.repository import PlanRepository
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource

KINDS = ("nps", "csat", "ces")
Z95 = 1.96


class Score(BaseModel):
    value: float | None = Field(description="NPS points, CSAT as a fraction, CES mean")
    ci_low: float | None
    ci_high: float | None
    n: int = Field(description="Answers")
    change: float | None = Field(default=None, description="Since the previous period")


class ResultRow(BaseModel):
    label: str = Field(description="The period, plan or segment")
    scores: dict[str, Score]


class SurveyResults(BaseModel):
    grain: str
    period: str = Field(description="The last period, which the plan and segment tables show")
    plan: str | None
    segment: str | None
    trend: list[ResultRow]
    by_plan: list[ResultRow]
    by_segment: list[ResultRow]


def survey_results(
    session: Session,
    query: MetricQuery,
    *,
    plan: str | None = None,
    segment: str | None = None,
    source: AnalyticsSource = FACTS_ONLY,
) -> SurveyResults:
    """The trend over the query's periods (filtered by plan and segment), and the last
    period by plan and by segment (unfiltered)."""
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    last = span[-1]
    plans = PlanRepository(session).plans()
    segments = [s.name for s in list_segments(session)]
    groups = _Groups(
        trend=None
        if segment is None
        else {p.label: _on_last_day(session, segment, p) for p in span},
        segments={name: _on_last_day(session, name, last) for name in segments},
    )
    with inputs_for(session, replace(query, names=KINDS), source) as inputs:
        members = groups.members(inputs, last.label, plan)
        found = {
            (row["group"], row["period"], kind): row
            for kind in KINDS
            for row in evaluate(scores_by_group(inputs, kind, members)).to_pylist()
        }

    def row(label: str, group: str, period: str) -> ResultRow:
        return ResultRow(
            label=label, scores={k: _score(k, found.get((group, period, k))) for k in KINDS}
        )

    return SurveyResults(
        grain=query.grain.value,
        period=last.label,
        plan=plan,
        segment=segment,
        trend=_with_changes([row(p.label, TREND, p.label) for p in span]),
        by_plan=[row(name, PLAN + name, last.label) for name in plans],
        by_segment=[row(name, SEGMENT + name, last.label) for name in segments],
    )


# The groups' names in one query: the trend, then a plan's or a segment's (prefixed, so a
# plan and a segment of the same name stay apart).
TREND, PLAN, SEGMENT = "trend", "plan:", "segment:"
MEMBERS = {"group": "string", "period": "string", "account_id": "int64"}


def _on_last_day(session: Session, segment: str, period: Period) -> list[int]:
    """The segment's members on the period's last day."""
    return segment_members(session, segment, period.end - timedelta(days=1))


@dataclass(frozen=True)
class _Groups:
    """Whose answers count where: the trend's accounts (every account, or a segment's
    members per period label) and each segment's members in the last period."""

    trend: dict[str, list[int]] | None
    segments: dict[str, list[int]]

    def members(self, inputs: Inputs, last: str, plan: str | None) -> ir.Table:
        """(group, period, account_id) of the trend (kept to ``plan``), every plan's and
        every segment's accounts in the ``last`` period."""
        accounts = inputs.sources.accounts
        on_plan = accounts if plan is None else accounts.filter(accounts.plan == plan)
        if self.trend is None:
            labels = inputs.periods.select("period")
            trend = on_plan.cross_join(labels).select(
                group=ibis.literal(TREND), period="period", account_id="id"
            )
        else:
            listed = _listed({TREND: self.trend})
            trend = listed.semi_join(on_plan, listed.account_id == on_plan.id)
        planned = accounts.filter(accounts.plan.notnull())
        plans = planned.select(
            group=ibis.literal(PLAN) + planned.plan, period=ibis.literal(last), account_id="id"
        )
        segments = _listed({SEGMENT + n: {last: ids} for n, ids in self.segments.items()})
        return ibis.union(trend, plans.cast(MEMBERS), segments, distinct=False)


def _listed(groups: dict[str, dict[str, list[int]]]) -> ir.Table:
    rows = [(g, p, a) for g, by in groups.items() for p, ids in by.items() for a in ids]
    columns = dict(zip(MEMBERS, zip(*rows, strict=True), strict=True)) if rows else {}
    return ibis.memtable({name: list(columns.get(name, ())) for name in MEMBERS}, schema=MEMBERS)


def _score(kind: str, row: dict[str, Any] | None) -> Score:
    if row is None:
        return Score(value=None, ci_low=None, ci_high=None, n=0)
    value = row["value"]
    if kind == "nps":
        return Score(value=value, ci_low=row["ci_low"], ci_high=row["ci_high"], n=int(row["n"]))
    n = int(row["denominator"] or 0)
    if kind == "csat" and value is not None and n:
        half = Z95 * math.sqrt(value * (1 - value) / n)
        return Score(
            value=value, ci_low=max(value - half, 0.0), ci_high=min(value + half, 1.0), n=n
        )
    return Score(value=value, ci_low=None, ci_high=None, n=n)


def _with_changes(rows: list[ResultRow]) -> list[ResultRow]:
    """Each period's change of every score since the period before it (when both exist)."""
    for before, row in pairwise(rows):
        for kind, score in row.scores.items():
            earlier = before.scores[kind].value
            if score.value is not None and earlier is not None:
                score.change = score.value - earlier
    return rows


STEP_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.FISCAL_YEAR: 12}


def trailing_query(today: date, grain: Grain, count: int, reporting: Reporting) -> MetricQuery:
    """The ``count`` periods of ``grain`` up to the one holding ``today``."""
    last = today.replace(day=1)
    first = add_months(last, -(count - 1) * STEP_MONTHS[grain])
    return MetricQuery.reported(reporting, KINDS, first, last, grain)
