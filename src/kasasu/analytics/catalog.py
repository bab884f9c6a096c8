"""The index of every KPI, built on first use from the KPI modules."""

from __future__ import annotations

from functools import cache

from kasasu.analytics import (
    kpis_cohorts,
    kpis_funnel,
    kpis_ltv,
    kpis_renewals,
    kpis_revenue,
    kpis_support,
    kpis_usage,
    kpis_voice,
)
from kasasu.analytics.registry import Metric


@cache
def _index() -> dict[str, Metric]:
    index: dict[str, Metric] = {}
    for metric in (
        *kpis_revenue.METRICS,
        *kpis_ltv.METRICS,
        *kpis_renewals.METRICS,
        *kpis_cohorts.METRICS,
        *kpis_voice.METRICS,
        *kpis_support.METRICS,
        *kpis_usage.METRICS,
        *kpis_funnel.METRICS,
    ):
        if metric.name in index:
            raise ValueError(f"metric {metric.name} is defined twice")
        index[metric.name] = metric
    return index


def all_metrics() -> list[Metric]:
    return list(_index().values())


def find_metric(name: str) -> Metric | None:
    return _index().get(name)
