"""The Model funnel for people: the KPIs' stages by period, for the whole span, by lead
source and by segment, and each lead's path with its days; all from the analytics' one
definition (``analytics.funnel``, ``analytics.kpis_funnel``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.funnel import STAGES, funnel_paths
from kasasu.analytics.kpis_funnel import (
    CONVERSIONS,
    SEGMENT,
    SOURCE,
    TOTAL,
    funnel_by_period,
    funnel_groups,
)
from kasasu.domain.local_days import from_day_number
from kasasu.domain.periods import periods
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import inputs_for
from kasasu.pipeline.repository import LeadRepository
from kasasu.pipeline.schemas import FunnelPath, FunnelReport, FunnelRow
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource


def funnel_report(
    session: Session,
    query: MetricQuery,
    segments: Mapping[str, Sequence[int]],
    source: AnalyticsSource = FACTS_ONLY,
) -> FunnelReport:
    """The funnel of ``query``'s periods (its filters choose the accounts), and of the whole
    span per lead source and per segment of ``segments`` (name → member account ids)."""
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    with inputs_for(session, query, source) as inputs:
        by_period = {r["period"]: r for r in evaluate(funnel_by_period(inputs)).to_pylist()}
        groups = {r["group"]: r for r in evaluate(funnel_groups(inputs, segments)).to_pylist()}
        observed = inputs.observed_until
    sources = sorted(
        (g for g in groups if g.startswith(SOURCE)), key=lambda g: (-groups[g]["leads"], g)
    )
    return FunnelReport(
        grain=query.grain.value,
        first=query.first_month,
        last=query.last_month,
        observed_until=observed,
        periods=[_row(p.label, by_period.get(p.label), p.start) for p in span],
        total=_row(TOTAL, groups.get(TOTAL)),
        by_source=[_row(g.removeprefix(SOURCE), groups[g]) for g in sources],
        by_segment=[_row(name, groups.get(SEGMENT + name)) for name in segments],
    )


def _row(label: str, found: Mapping[str, Any] | None, start: date | None = None) -> FunnelRow:
    """A group's row; a group without leads has zeros and no rates."""
    counts = {s: int(found[s]) if found else 0 for s in STAGES}
    rates = {
        name.removeprefix("funnel_"): counts[stage] / counts[base] if counts[base] else None
        for name, stage, base in CONVERSIONS
    }
    days = {
        v: found[v] if found else None for v in ("days_to_qualify", "days_to_win", "days_to_value")
    }
    return FunnelRow(label=label, start=start, **counts, **rates, **days)


def funnel_path_list(
    session: Session,
    query: MetricQuery,
    account_id: int | None = None,
    source: AnalyticsSource = FACTS_ONLY,
) -> list[FunnelPath]:
    """Each lead of ``query``'s periods (of one account, if given) with the day it reached
    each stage, in the order they came in."""
    with inputs_for(session, query, source) as inputs:
        paths = funnel_paths(inputs)
        if account_id is not None:
            paths = paths.filter(paths.account_id == account_id)
        rows = evaluate(paths.order_by(["lead_day", "lead_id"])).to_pylist()
    leads = LeadRepository(session).names([r["lead_id"] for r in rows])
    names = account_names(session, [r["account_id"] for r in rows if r["account_id"]])
    return [_path(r, leads[r["lead_id"]], names) for r in rows]


def _path(row: Mapping[str, Any], lead: tuple[str, str], names: Mapping[int, str]) -> FunnelPath:
    def day(name: str) -> Any:
        return None if row[name] is None else from_day_number(row[name])

    return FunnelPath(
        period=row["period"],
        lead_id=row["lead_id"],
        lead_external_id=lead[0],
        company_name=lead[1],
        source=row["source"],
        account_id=row["account_id"],
        account_name=names.get(row["account_id"]) if row["account_id"] else None,
        came_in=from_day_number(row["lead_day"]),
        qualified_on=day("qualified_day"),
        won_on=day("won_day"),
        first_value_on=day("value_day"),
        mrr_at_win=row["mrr_at_win"],
        mrr_12m=row["mrr_12m"],
        matured=bool(row["matured"]),
        retained=bool(row["retained"]),
        expanded=bool(row["expanded"]),
    )
