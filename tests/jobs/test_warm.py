"""After today's refresh the dashboard, every KPI page, the funnel, the four listening pages
(churn reasons, loyal customers, survey results, needs), the next quarter's renewal forecast,
the lifetime values and the events report's cohorts are computed and stored, so their first
visit reads them (golden customer base, tests/analytics/golden.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from kasasu.db import session_factory, transaction
from kasasu.domain.periods import Grain
from kasasu.domain.reporting import Reporting
from kasasu.jobs.warm import warm_pages
from kasasu.metrics.service import metric_names
from kasasu.models import CachedResult
from kasasu.warehouse.source import FACTS_ONLY
from kasasu.webinars.report import default_cohort
from kasasu.workspace.churn import first_month, recall_churn_report
from kasasu.workspace.dashboard import dashboard
from kasasu.workspace.kpis import KpiChoice, kpi_trend
from kasasu.workspace.webinars import recall_comparison
from tests.analytics.golden import add_golden
from tests.playbooks.conftest import sqlite_engine

__all__ = ["sqlite_engine"]

REPORTING = Reporting(locale="en", on=date(2026, 4, 15))  # the last whole month: March


def test_the_first_visit_after_a_refresh_reads_what_was_stored(sqlite_engine: Engine) -> None:
    factory = session_factory(sqlite_engine)
    with transaction(factory) as s:
        add_golden(s)
    # + 1: the funnel page as it first opens; no lifetime values in golden.py; + 1: the
    # events report's cohorts
    pages = 1 + len(metric_names()) * len(Grain) + 1 + 4 + 1 + 1
    assert warm_pages(sqlite_engine, REPORTING, FACTS_ONLY) == pages
    with transaction(factory) as s:
        stored = s.scalar(select(func.count()).select_from(CachedResult))
        board = dashboard(s, REPORTING, FACTS_ONLY)
        mrr = kpi_trend(s, "mrr", KpiChoice(), REPORTING, FACTS_ONLY)
        quarters = kpi_trend(s, "mrr", KpiChoice(grain=Grain.QUARTER), REPORTING, FACTS_ONLY)
        churn = recall_churn_report(s, first_month(REPORTING.today()), Grain.QUARTER, REPORTING)
        cohorts = recall_comparison(s, REPORTING, default_cohort(REPORTING), FACTS_ONLY)
    # the dashboard, a page per KPI and grain, the funnel, the listening pages, the forecast
    assert stored == pages
    assert board.computed is False  # read from the store
    assert churn.fresh is False
    assert cohorts.fresh is False
    assert churn.value.mrr == 10_000  # Q1 (Jan-Mar 2026): A2's ¥10,000 (golden.py)
    # again: the dashboard and the KPIs are computed anew, the other read models (and the
    # funnel, stored for this refresh day) are kept
    assert warm_pages(sqlite_engine, REPORTING, FACTS_ONLY) == pages - 1 - 4 - 1 - 1
    assert {(v.period, v.value) for v in quarters.values[-2:]} == {
        ("2025-Q4", 100_000),  # MRR at a quarter's end: on Dec 31 (golden.py)
        ("2026-Q1", 131_333),  # on Mar 31
    }
    by_month = {v.period: v.value for v in mrr.values}
    assert (by_month["2026-01"], by_month["2026-03"]) == (146_333, 131_333)  # golden.py
