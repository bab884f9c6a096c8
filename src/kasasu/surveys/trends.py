"""NPS, CSAT and CES by period, plan and segment, with the 95% interval and the number of
answers: the KPIs of ``kasasu.analytics.kpis_voice`` computed for each group of accounts.

A segment's accounts in a period are its members on the period's last day (the segment's
entered/left history). CSAT's interval is the Wald interval of a proportion,
p ± 1.96 × √(p(1 − p) ÷ n), kept within 0..1; CES (a mean) has none: the KPI keeps no spread.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.analytics.sources import ACCOUNT_IDS
from kasasu.domain.periods import Grain, Period, add_months, periods
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics_many
from kasasu.segments.service import list_segments, segment_members
from kasasu.surveys.repository import PlanRepository
from kasasu.warehouse.backends import Engine

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
    engine: Engine = "duckdb",
    events_path: Path | None = None,
) -> SurveyResults:
    """The trend over the query's periods (filtered by plan and segment), and the last
    period by plan and by segment (unfiltered)."""
    base = replace(query, names=KINDS, filters={"plan": plan} if plan else {})
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    last = span[-1]
    trend_queries = [_members(session, base, p, segment) for p in span] if segment else [base]
    plans = PlanRepository(session).plans()
    segments = [s.name for s in list_segments(session)]
    one = replace(query, names=KINDS, first_month=last.start, last_month=last.start)
    queries = [
        *trend_queries,
        *(replace(one, filters={"plan": p}) for p in plans),
        *(_members(session, one, last, s) for s in segments),
    ]
    found = compute_metrics_many(session, queries, engine, events_path=events_path)
    trend_values = [v for values in found[: len(trend_queries)] for v in values]
    groups = found[len(trend_queries) :]
    return SurveyResults(
        grain=query.grain.value,
        period=last.label,
        plan=plan,
        segment=segment,
        trend=_with_changes([_row(p.label, trend_values, p.label) for p in span]),
        by_plan=[_row(p, v, last.label) for p, v in zip(plans, groups[: len(plans)], strict=True)],
        by_segment=[
            _row(s, v, last.label) for s, v in zip(segments, groups[len(plans) :], strict=True)
        ],
    )


def _members(session: Session, query: MetricQuery, period: Period, segment: str) -> MetricQuery:
    """``query`` for ``period`` alone, kept to the segment's members on its last day."""
    ids = segment_members(session, segment, period.end - timedelta(days=1))
    return replace(
        query,
        first_month=period.start,
        last_month=period.start,
        filters={**query.filters, ACCOUNT_IDS: ids},
    )


def _row(label: str, values: list[MetricValue], period: str) -> ResultRow:
    found = {v.metric: v for v in values if v.period == period}
    return ResultRow(label=label, scores={k: _score(k, found.get(k)) for k in KINDS})


def _score(kind: str, v: MetricValue | None) -> Score:
    if v is None:
        return Score(value=None, ci_low=None, ci_high=None, n=0)
    parts = v.breakdown or {}
    if kind == "nps":
        n = int(parts.get("n") or 0)
        return Score(value=v.value, ci_low=parts.get("ci_low"), ci_high=parts.get("ci_high"), n=n)
    n = int(v.denominator or 0)
    if kind == "csat" and v.value is not None and n:
        half = Z95 * math.sqrt(v.value * (1 - v.value) / n)
        return Score(
            value=v.value, ci_low=max(v.value - half, 0.0), ci_high=min(v.value + half, 1.0), n=n
        )
    return Score(value=v.value, ci_low=None, ci_high=None, n=n)


def _with_changes(rows: list[ResultRow]) -> list[ResultRow]:
    """Each period's change of every score since the period before it (when both exist)."""
    for before, row in pairwise(rows):
        for kind, score in row.scores.items():
            earlier = before.scores[kind].value
            if score.value is not None and earlier is not None:
                score.change = score.value - earlier
    return rows


STEP_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.FISCAL_YEAR: 12}


def trailing_query(
    today: date,
    grain: Grain,
    count: int,
    *,
    currency: str,
    zone: str,
    fiscal_year_start: int = 4,
) -> MetricQuery:
    """The ``count`` periods of ``grain`` up to the one holding ``today``."""
    last = today.replace(day=1)
    first = add_months(last, -(count - 1) * STEP_MONTHS[grain])
    return MetricQuery(
        names=KINDS,
        first_month=first,
        last_month=last,
        grain=grain,
        fiscal_year_start=fiscal_year_start,
        currency=currency,
        zone=zone,
    )
