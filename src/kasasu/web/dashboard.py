"""The CS leader's dashboard: revenue, retention, churn, health and who turned red; and the
accounts behind one of its figures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.domain.periods import parse_month
from kasasu.metrics.amounts import amount_title
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import explain_metric, metric_title
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.dashboard import dashboard, keep_dashboard

router = APIRouter(include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    source = web_context(request).analytics
    board = in_transaction(request, lambda s: dashboard(s, report, source))
    if board.computed:  # the first visit since the data changed: keep them for everyone
        in_transaction(request, lambda s: keep_dashboard(s, board), write=True)
    return pages.render(request, "dashboard.html", user=user, board=board)


@router.get("/metrics/{name}/{period}", response_class=HTMLResponse)
def explain(
    request: Request,
    *,
    name: str,
    period: str,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
) -> HTMLResponse:
    """The accounts behind one figure of the dashboard (``kasasu metrics explain``)."""
    source = web_context(request).analytics
    month = parse_month(period)
    query = MetricQuery.reported(report, (name,), month)
    explained = in_transaction(request, lambda s: explain_metric(s, name, month, query, source))
    title = metric_title(name, report.locale)
    return pages.render(
        request,
        "explain.html",
        user=user,
        explained=explained,
        title=title,
        amount_title=lambda n: amount_title(n, report.locale),
    )
