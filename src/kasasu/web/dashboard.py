"""The CS leader's dashboard: revenue, retention, churn, health and who turned red; and the
accounts behind one of its figures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kasasu.domain.periods import parse_month
from kasasu.domain.reporting import Reporting
from kasasu.kit.i18n import translate
from kasasu.kit.spreadsheet import XLSX_TYPE, xlsx_bytes
from kasasu.metrics.schemas import MetricQuery
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, keep_fresh, web_context
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.dashboard import keep_board, recall_dashboard
from kasasu.workspace.drilldown import IMPACT, DrillBase, drill_base, drill_page, drill_sheet

router = APIRouter(include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    source = web_context(request).analytics
    found = in_transaction(request, lambda s: recall_dashboard(s, report, source))
    if found.fresh:
        in_transaction(request, lambda s: keep_board(s, found), write=True)
    return pages.render(request, "dashboard.html", user=user, board=found.value)


@router.get("/metrics/{name}/{period}.xlsx")
def explain_download(
    request: Request, *, name: str, period: str, _signed_in: CurrentUser, report: ReportingDep
) -> Response:
    """Every account that moved the figure, as an Excel sheet (the page's order)."""
    base = _drill_base(request, name, period, report, everyone=False)
    headings = (translate("Name", report.locale), translate("External id", report.locale))
    header, rows = drill_sheet(base, report.currency, report.locale, headings)
    title = base.about.title[:31]  # Excel's limit for a sheet name
    disposition = {"Content-Disposition": f'attachment; filename="{name}-{period}.xlsx"'}
    body = xlsx_bytes(header, list(rows), title)
    return Response(body, media_type=XLSX_TYPE, headers=disposition)


@router.get("/metrics/{name}/{period}", response_class=HTMLResponse)
def explain(
    request: Request,
    *,
    name: str,
    period: str,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    sort: str = IMPACT,
    page: int = 1,
    everyone: bool = False,
) -> HTMLResponse:
    """The accounts behind one figure of the dashboard or a KPI page, those that moved it
    first by impact, a page at a time (``kasasu metrics explain``)."""
    base = _drill_base(request, name, period, report, everyone=everyone)
    drilled = drill_page(base, report.locale, sort=sort[:40], page=page)
    return pages.render(request, "explain.html", user=user, d=drilled, period_key=period)


def _drill_base(
    request: Request, name: str, period: str, report: Reporting, *, everyone: bool
) -> DrillBase:
    source = web_context(request).analytics
    month = parse_month(period)
    query = MetricQuery.reported(report, (name,), month)
    found = in_transaction(
        request,
        lambda s: drill_base(
            s, name, month, query=query, source=source, locale=report.locale, everyone=everyone
        ),
    )
    keep_fresh(request, found)
    return found.value
