"""After the daily refresh of today, the pages that compute over every account are computed
once and stored (the dashboard's KPIs, each KPI page as it first opens: by month, for every
account; the funnel, churn reasons, loyal customers, survey results and the needs board as
they first open; the next quarter's renewal forecast, the lifetime values and the events
report's cohorts), so the first visit of the day reads them instead of waiting for them."""

from __future__ import annotations

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.domain.reporting import Reporting
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.churn import warm_churn
from kasasu.workspace.dashboard import dashboard, keep_dashboard
from kasasu.workspace.forecast import warm_forecast
from kasasu.workspace.funnel import warm_funnel
from kasasu.workspace.kpis import keep_every_kpi
from kasasu.workspace.listening import warm_listening
from kasasu.workspace.value import warm_lifetime_values
from kasasu.workspace.webinars import warm_webinar_report


def warm_pages(engine: Engine, reporting: Reporting, source: AnalyticsSource) -> int:
    """Compute and store what is not stored yet for the latest refresh; how many pages."""
    factory = session_factory(engine)
    with transaction(factory, write=True) as session:
        board = dashboard(session, reporting, source)
        if board.computed:
            keep_dashboard(session, board)
    with transaction(factory, write=True) as session:
        kpis = keep_every_kpi(session, reporting, source)
    with transaction(factory, write=True) as session:
        kpis += warm_funnel(session, reporting, source)
    with transaction(factory, write=True) as session:
        listening = warm_churn(session, reporting) + warm_listening(session, reporting, source)
    with transaction(factory, write=True) as session:
        renewals = warm_forecast(session, reporting.currency, reporting.today())
        renewals += warm_lifetime_values(session, reporting.locale)
    with transaction(factory, write=True) as session:
        events = warm_webinar_report(session, reporting, source)
    return 1 + kpis + listening + renewals + events
