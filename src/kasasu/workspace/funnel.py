"""The Model funnel's page and API answer: the funnel by cohort period over the span a KPI
page shows (or the months asked), for the accounts its filters choose, with the whole span
by lead source and by segment; and the leads' paths of one period. Observed on the day it
is computed: once per refresh day and choice, then stored for every process, as the KPI
pages are (so the funnel page and the funnel KPIs' pages agree)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.analytics.sources import ACCOUNT_IDS
from kasasu.cache.service import cached_payload, store_payload
from kasasu.domain.periods import Grain, periods
from kasasu.domain.reporting import Reporting
from kasasu.health.snapshots import latest_refresh_day
from kasasu.metrics.schemas import MetricQuery
from kasasu.pipeline.funnel import funnel_path_list, funnel_report
from kasasu.pipeline.schemas import FunnelPath, FunnelReport
from kasasu.segments.service import list_segments, segment_members
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.dashboard import kpi_key
from kasasu.workspace.kpis import KpiChoice, chosen_accounts, span_of

PATHS_PAGE = 100


class FunnelPaths(BaseModel):
    period: str
    observed_until: date
    total: int = Field(description="Every lead of the period")
    page: int
    page_size: int
    rows: list[FunnelPath]


def _query(
    session: Session,
    choice: KpiChoice,
    reporting: Reporting,
    months: tuple[date, date] | None,
) -> MetricQuery:
    """The query of ``choice`` over ``months`` (first, last), else the span its grain shows
    on a KPI page; its filters are the chosen account fields and accounts."""
    first, last = months or span_of(choice.grain, reporting)
    filters = choice.account_filters()
    chosen = chosen_accounts(session, choice, latest_refresh_day(session))
    if chosen is not None:
        filters[ACCOUNT_IDS] = chosen
    query = MetricQuery.reported(reporting, (), first, last, choice.grain)
    return replace(query, filters=filters)


def _slot(kind: str, choice: KpiChoice, months: object) -> str:
    """Where a funnel's figures are stored: one slot per choice and months."""
    what = json.dumps([kind, choice.model_dump(mode="json"), str(months)], sort_keys=True)
    return f"{kind}:" + hashlib.sha256(what.encode()).hexdigest()[:32]


def stored_funnel(
    session: Session,
    choice: KpiChoice,
    reporting: Reporting,
    source: AnalyticsSource,
    months: tuple[date, date] | None = None,
) -> FunnelReport:
    """The funnel of ``choice``, computed once per refresh day and stored, as a KPI page's
    figures are; each segment's leads are those of its members on the latest refresh day,
    as a KPI page's segment filter takes them. Call it in a write transaction."""
    refreshed = latest_refresh_day(session)
    last = months[1] if months else span_of(choice.grain, reporting)[1]
    slot, key = _slot("funnel", choice, months), kpi_key(refreshed, last, reporting)
    stored = cached_payload(session, slot, key)
    if stored is not None:
        return FunnelReport.model_validate(stored)
    query = _query(session, choice, reporting, months)
    segments = {
        s.name: segment_members(session, s.name, refreshed) if refreshed else []
        for s in list_segments(session)
    }
    report = funnel_report(session, query, segments, source)
    store_payload(session, slot, key, report.model_dump(mode="json"))
    return report


def warm_funnel(session: Session, reporting: Reporting, source: AnalyticsSource) -> int:
    """Compute and keep the funnel page as it first opens (by month, every account)."""
    refreshed = latest_refresh_day(session)
    last = span_of(Grain.MONTH, reporting)[1]
    if cached_payload(
        session, _slot("funnel", KpiChoice(), None), kpi_key(refreshed, last, reporting)
    ):
        return 0
    stored_funnel(session, KpiChoice(), reporting, source)
    return 1


_PATH_FIELDS = tuple(FunnelPath.model_fields)


def funnel_paths(
    session: Session,
    month: date,
    choice: KpiChoice,
    reporting: Reporting,
    source: AnalyticsSource,
    *,
    account_id: int | None = None,
    page: int | None = None,
) -> FunnelPaths:
    """The leads of the period of ``choice.grain`` holding ``month`` (of one account, if
    given) with their paths: every one, or the ``page``-th ``PATHS_PAGE`` of them. Computed
    once per refresh day and stored as plain rows (a page reads back only its own); call it
    in a write transaction."""
    refreshed = latest_refresh_day(session)
    slot, key = _slot("funnel-paths", choice, month), kpi_key(refreshed, month, reporting)
    stored = cached_payload(session, slot, key)
    if stored is None:
        query = _query(session, choice, reporting, (month, month))
        paths = funnel_path_list(session, query, None, source)
        stored = [list(p.model_dump(mode="json").values()) for p in paths]
        store_payload(session, slot, key, stored)
    at = _PATH_FIELDS.index("account_id")
    rows = [r for r in stored if account_id is None or r[at] == account_id]
    shown, number = rows, 1
    if page is not None:
        pages = max(1, -(-len(rows) // PATHS_PAGE))
        number = min(max(page, 1), pages)
        shown = rows[(number - 1) * PATHS_PAGE : number * PATHS_PAGE]
    [period] = periods(month, month, choice.grain, reporting.fiscal_year_start)
    return FunnelPaths(
        period=period.label,
        observed_until=reporting.today(),
        total=len(rows),
        page=number,
        page_size=PATHS_PAGE if page is not None else len(rows),
        rows=[FunnelPath.model_validate(dict(zip(_PATH_FIELDS, r, strict=True))) for r in shown],
    )
