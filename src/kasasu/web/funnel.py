"""The Model funnel (ファネル): leads → qualified → won → onboarded → retained → expanded by
cohort period, with conversions and the days between stages, for the whole span by lead
source and by segment; and, for a period, each lead's path (an HTMX fragment)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kasasu.accounts.service import field_values
from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.domain.periods import Grain, parse_month
from kasasu.health.snapshots import latest_refresh_day
from kasasu.segments.service import list_segments
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.kpis import TEXT_FILTERS
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.funnel import funnel_paths, stored_funnel
from kasasu.workspace.kpis import KpiChoice

router = APIRouter(include_in_schema=False)
MONTH = r"^\d{4}-\d{2}$"


@router.get("/funnel", response_class=HTMLResponse)
def funnel_page(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    choice: Annotated[KpiChoice, Query()],
) -> HTMLResponse:
    source = web_context(request).analytics

    def load(session: Session) -> dict[str, Any]:
        return {
            "funnel": stored_funnel(session, choice, report, source),
            "as_of": latest_refresh_day(session),
            "options": field_values(session, TEXT_FILTERS),
            "owners": list_users(session),
            "segments": list_segments(session),
        }

    data = in_transaction(request, load, write=True)  # stores what it computed
    return pages.render(
        request,
        "funnel.html",
        user=user,
        choice=choice,
        query=request.url.query,
        grains=list(Grain),
        touch_models=list(TouchModel),
        stages=list(LifecycleStage),
        **data,
    )


@router.get("/funnel/paths", response_class=HTMLResponse)
def funnel_path_rows(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    choice: Annotated[KpiChoice, Query()],
    period: Annotated[str, Query(pattern=MONTH)],
    page: int = 1,
) -> HTMLResponse:
    """The leads of one period and their paths, a page at a time."""
    source = web_context(request).analytics
    month: date = parse_month(period)
    shown = in_transaction(
        request,
        lambda s: funnel_paths(s, month, choice, report, source, page=page),
        write=True,  # stores what it computed
    )
    # The page's own parameters, for the links to the pages before and after this one.
    base = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
    fragment = bool(request.headers.get("hx-request"))
    return pages.render(
        request,
        "_funnel_paths.html" if fragment else "funnel_paths.html",
        user=user,
        paths=shown,
        base=base,
    )
