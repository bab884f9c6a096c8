"""One KPI over time, for its page: the value of each period (month, quarter or fiscal year)
for the accounts chosen by the fields a KPI filters on (plan, tier, touch model, lifecycle
stage, owner, industry), a segment or the onboarding template they walked, with the KPI's
title, unit and definition. Computed once per refresh day and choice, and stored for every
process (the cache slice), as the dashboard is."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.orm import Session

from kasasu.analytics.sources import ACCOUNT_IDS
from kasasu.cache.service import cached_payload, store_payload
from kasasu.domain.account_fields import KPI_FILTERS
from kasasu.domain.periods import Grain, add_months
from kasasu.domain.reporting import Reporting
from kasasu.health.snapshots import latest_refresh_day
from kasasu.metrics.schemas import MetricAbout, MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, metric_about, metric_names
from kasasu.onboarding.service import accounts_on_template
from kasasu.segments.service import segment_members
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.dashboard import kpi_key

# How far back each grain looks: two years of months, eight quarters, five fiscal years.
SPAN_MONTHS = {Grain.MONTH: 24, Grain.QUARTER: 24, Grain.FISCAL_YEAR: 60}
_VALUES = TypeAdapter(list[MetricValue])


class KpiChoice(BaseModel):
    """Which accounts and at which grain: what the page's filters chose."""

    grain: Grain = Grain.MONTH
    plan: str | None = None
    tier: str | None = None
    touch_model: str | None = None
    lifecycle_stage: str | None = None
    owner_id: int | None = None
    industry: str | None = None
    segment: str | None = None
    onboarding: str | None = Field(
        default=None, max_length=100, description="Accounts onboarded with this template"
    )

    def account_filters(self) -> dict[str, Any]:
        """The chosen account fields a KPI filters on (domain/account_fields.KPI_FILTERS)."""
        chosen = self.model_dump(include=set(KPI_FILTERS))
        return {k: v for k, v in chosen.items() if v not in (None, "")}


class KpiTrend(BaseModel):
    about: MetricAbout
    as_of: date | None = Field(description="The latest refresh day")
    values: list[MetricValue]


def kpi_trend(
    session: Session,
    name: str,
    choice: KpiChoice,
    reporting: Reporting,
    source: AnalyticsSource,
) -> KpiTrend:
    about = metric_about(name, reporting.locale)
    refreshed = latest_refresh_day(session)
    first, last = span_of(choice.grain, reporting)
    filters = choice.account_filters()
    chosen = chosen_accounts(session, choice, refreshed)
    if chosen is not None:
        filters[ACCOUNT_IDS] = chosen
    slot, key = _slot(name, choice), kpi_key(refreshed, last, reporting)
    stored = cached_payload(session, slot, key)
    if stored is not None:
        values = _VALUES.validate_python(stored)
    else:
        query = replace(
            MetricQuery.reported(reporting, (name,), first, last, choice.grain), filters=filters
        )
        values = compute_metrics(session, query, source)
        store_payload(session, slot, key, _VALUES.dump_python(values, mode="json"))
    return KpiTrend(about=about, as_of=refreshed, values=values)


def chosen_accounts(
    session: Session, choice: KpiChoice, refreshed: date | None
) -> list[int] | None:
    """The accounts a segment (its members on the latest refresh day) and an onboarding
    template (those onboarded with it) choose, both when both are given; None: every one."""
    groups = []
    if choice.segment:
        groups.append(set(segment_members(session, choice.segment, refreshed) if refreshed else []))
    if choice.onboarding:
        groups.append(set(accounts_on_template(session, choice.onboarding)))
    return sorted(set.intersection(*groups)) if groups else None


def keep_every_kpi(session: Session, reporting: Reporting, source: AnalyticsSource) -> int:
    """Every KPI's page as it first opens at each grain (every account), computed in one
    pass per grain and stored: the refresh that brings the latest day runs it. How many."""
    refreshed = latest_refresh_day(session)
    names = tuple(metric_names())
    kept = 0
    for grain in Grain:
        first, last = span_of(grain, reporting)
        query = MetricQuery.reported(reporting, names, first, last, grain)
        values = compute_metrics(session, query, source)
        key = kpi_key(refreshed, last, reporting)
        for name in names:
            mine = _VALUES.dump_python([v for v in values if v.metric == name], mode="json")
            store_payload(session, _slot(name, KpiChoice(grain=grain)), key, mine)
            kept += 1
    return kept


def span_of(grain: Grain, reporting: Reporting) -> tuple[date, date]:
    """The first and the last month a page of ``grain`` shows: up to the last whole month."""
    last = add_months(reporting.today().replace(day=1), -1)
    return add_months(last, -(SPAN_MONTHS[grain] - 1)), last


def _slot(name: str, choice: KpiChoice) -> str:
    """Where a KPI page's values are stored: one slot per KPI and choice."""
    what = json.dumps([name, choice.model_dump(mode="json")], sort_keys=True)
    return "kpi:" + hashlib.sha256(what.encode()).hexdigest()[:32]
