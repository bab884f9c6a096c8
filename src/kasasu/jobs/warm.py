"""After the daily refresh of today, the pages that compute over every account are computed
once and stored (the dashboard's KPIs, and each KPI page as it first opens: by month, for
every account), so the first visit of the day reads them instead of waiting for them."""

from __future__ import annotations

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.domain.reporting import Reporting
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.dashboard import dashboard, keep_dashboard
from kasasu.workspace.kpis import keep_every_kpi


def warm_pages(engine: Engine, reporting: Reporting, source: AnalyticsSource) -> int:
    """Compute and store what is not stored yet for the latest refresh; how many pages."""
    factory = session_factory(engine)
    with transaction(factory, write=True) as session:
        board = dashboard(session, reporting, source)
        if board.computed:
            keep_dashboard(session, board)
    with transaction(factory, write=True) as session:
        return 1 + keep_every_kpi(session, reporting, source)
