"""The CS leader's dashboard: revenue, retention, churn, health and who turned red."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kasasu.domain.periods import add_months, parse_month
from kasasu.health.snapshots import health_overview
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric, metric_title, missing_rates
from kasasu.renewals.schemas import RenewalBoard, RenewalQuery
from kasasu.renewals.service import renewal_board
from kasasu.web.auth import CurrentUser
from kasasu.web.context import WebContext, in_transaction, web_context
from kasasu.web.render import Pages, request_locale

MONTHS = 12
KPIS = (
    "mrr_movements",
    "nrr",
    "grr",
    "logo_churn_rate",
    "gross_mrr_churn_rate",
    "nps",
    "cohort_logo_retention",
)
RENEWAL_DAYS = 90
# The KPIs change once a day (with the data); recomputing them for every visit would cost
# ~1–2 s on the demo company.
CACHE_SECONDS = 600


@dataclass
class _Cached:
    at: float
    values: list[MetricValue]


def dashboard_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    cache: dict[tuple[str, str], _Cached] = {}

    def kpis(request: Request, ctx: WebContext) -> list[MetricValue]:
        today = datetime.now(ZoneInfo(ctx.timezone)).date()
        last = add_months(today.replace(day=1), -1)  # the last whole month
        key = (last.isoformat(), ctx.currency)
        hit = cache.get(key)
        if hit is None or time.monotonic() - hit.at > CACHE_SECONDS:
            query = MetricQuery(
                names=KPIS,
                first_month=add_months(last, -(MONTHS - 1)),
                last_month=last,
                fiscal_year_start=ctx.fiscal_year_start,
                currency=ctx.currency,
                zone=ctx.timezone,
                gross_margin=ctx.gross_margin,
            )
            values = in_transaction(
                request, lambda s: compute_metrics(s, query, events_path=ctx.events_path)
            )
            hit = cache[key] = _Cached(time.monotonic(), values)
        return hit.values

    @router.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, user: CurrentUser) -> HTMLResponse:
        ctx = web_context(request)
        by_metric: dict[str, list[MetricValue]] = defaultdict(list)
        values = kpis(request, ctx)
        for value in values:
            by_metric[value.metric].append(value)
        overview = in_transaction(request, health_overview)
        today = datetime.now(ZoneInfo(ctx.timezone)).date()
        renewals = in_transaction(request, lambda s: _renewals(s, today, ctx.currency))
        return pages.render(
            request,
            "dashboard.html",
            user=user,
            kpi=by_metric,
            latest={name: values[-1] for name, values in by_metric.items() if values},
            overview=overview,
            waterfall=_waterfall(by_metric.get("mrr_movements", [])),
            cohorts=_cohorts(by_metric.get("cohort_logo_retention", [])),
            renewals=renewals,
            renewal_days=RENEWAL_DAYS,
            missing=missing_rates(values, ctx.currency),
        )

    @router.get("/metrics/{name}/{period}", response_class=HTMLResponse)
    def explain(request: Request, name: str, period: str, user: CurrentUser) -> HTMLResponse:
        """The accounts behind one figure of the dashboard (``kasasu metrics explain``)."""
        ctx = web_context(request)
        month = parse_month(period)
        query = MetricQuery(
            names=(name,),
            first_month=month,
            last_month=month,
            fiscal_year_start=ctx.fiscal_year_start,
            currency=ctx.currency,
            zone=ctx.timezone,
            gross_margin=ctx.gross_margin,
        )
        explained = in_transaction(
            request,
            lambda s: explain_metric(s, name, month, query, events_path=ctx.events_path),
        )
        title = metric_title(name, request_locale(request))
        return pages.render(request, "explain.html", user=user, explained=explained, title=title)

    return router


def _cohorts(values: list[MetricValue]) -> list[dict[str, Any]]:
    """Per start month: accounts and the share still paying k months later (m0, m1, …)."""
    rows = []
    for v in values:
        shares = [share for key, share in (v.breakdown or {}).items() if key.startswith("m")]
        if v.denominator:
            rows.append({"period": v.period, "accounts": v.denominator, "shares": shares})
    return rows


def _renewals(session: Session, today: date, currency: str) -> RenewalBoard:
    """Every term renewal in the window with no outcome yet, and their MRR in the reporting
    currency at today's rates (a currency without a rate is reported apart)."""
    query = RenewalQuery(
        first=today, last=today + timedelta(days=RENEWAL_DAYS), decided=False, size=1
    )
    return renewal_board(session, query, currency, today)


def _waterfall(movements: list[MetricValue]) -> list[dict[str, Any]]:
    """Per month: the movements as bars (for the chart); money in minor units."""
    rows = []
    for v in movements:
        b = v.breakdown or {}
        rows.append(
            {
                "period": v.period,
                "new": b.get("new", 0),
                "reactivation": b.get("reactivation", 0),
                "expansion": b.get("expansion", 0),
                "contraction": -(b.get("contraction", 0) or 0),
                "churn": -(b.get("churn", 0) or 0),
                "end": b.get("end", 0),
            }
        )
    return rows
