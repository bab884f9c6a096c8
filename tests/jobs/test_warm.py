"""After today's refresh the dashboard, every KPI page, the funnel, the four listening pages
(churn reasons, loyal customers, survey results, needs), the next quarter's renewal forecast,
the lifetime values and the events report's cohorts are computed and stored, so their first
visit reads them (golden customer base, tests/analytics/golden.py)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from kasasu.db import session_factory, transaction
from kasasu.domain.choices import JobResult
from kasasu.domain.periods import Grain
from kasasu.domain.reporting import Reporting
from kasasu.jobruns.schemas import PAGES
from kasasu.jobruns.service import job_history
from kasasu.jobs.schedule import PAGES_FIRST_AFTER, build_schedule
from kasasu.jobs.warm import warm_pages
from kasasu.metrics.service import metric_names
from kasasu.models import CachedResult
from kasasu.settings import Settings
from kasasu.warehouse.source import FACTS_ONLY
from kasasu.webinars.report import default_cohort
from kasasu.wiring import schedule_setup
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


@pytest.mark.slow  # waits for the job's first run, a few seconds after the start
def test_the_schedule_computes_the_pages_soon_after_it_starts(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """A refresh run without its pages (`kasasu refresh --no-pages`, as `make demo` runs
    it): the schedule's pages job stores them a few seconds after the start, once."""
    factory = session_factory(sqlite_engine)
    with transaction(factory) as s:
        add_golden(s)
    settings = Settings(
        database_url=sqlite_engine.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        dev_mode=True,
        locale="en",
    )
    by_default = build_schedule(schedule_setup(settings))
    assert [j.first_after for j in by_default.periodic if j.name == PAGES] == [PAGES_FIRST_AFTER]
    for engine in by_default.engines:
        engine.dispose()
    schedule = build_schedule(schedule_setup(settings), first_after=0.5)  # not to wait 30 s
    [pages] = [job for job in schedule.periodic if job.name == PAGES]
    started = time.monotonic()
    pages.start()
    try:
        while time.monotonic() - started < 60:
            with transaction(factory) as s:
                runs = job_history(s, name=PAGES, limit=10).runs
            if runs:
                break
            time.sleep(0.5)
    finally:
        pages.stop()
        for engine in schedule.engines:
            engine.dispose()
    assert [r.result for r in runs] == [JobResult.OK]
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(CachedResult)) > 20
    off = Settings(database_url=settings.database_url, data_dir=tmp_path, dev_mode=True,
                   refresh={"pages_every_minutes": 0})  # fmt: skip
    quiet = build_schedule(schedule_setup(off))
    assert PAGES not in {job.name for job in quiet.periodic}
    for engine in quiet.engines:
        engine.dispose()
