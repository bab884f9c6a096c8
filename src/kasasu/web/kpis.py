"""Reports in the web: every KPI of the registry listed with its definition, and a page per
KPI with its chart and values over time, filters (the account fields a KPI filters on, and
a segment), a grain (month, quarter, fiscal year) and, per month, the accounts behind it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kasasu.accounts.service import field_values
from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.domain.periods import Grain
from kasasu.metrics.service import metrics_about
from kasasu.onboarding.templates import list_templates
from kasasu.segments.service import list_segments
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.kpis import KpiChoice, kpi_trend

router = APIRouter(include_in_schema=False)
TEXT_FILTERS = ("plan", "tier", "industry")


@router.get("/kpis", response_class=HTMLResponse)
def kpi_list(
    user: CurrentUser, request: Request, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    return pages.render(request, "kpis.html", user=user, kpis=metrics_about(report.locale))


@router.get("/kpis/{name}", response_class=HTMLResponse)
def kpi_page(
    request: Request,
    name: str,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    choice: Annotated[KpiChoice, Query()],
) -> HTMLResponse:
    source = web_context(request).analytics

    def load(session: Session) -> dict[str, Any]:
        return {
            "trend": kpi_trend(session, name, choice, report, source),
            "options": field_values(session, TEXT_FILTERS),
            "owners": list_users(session),
            "segments": list_segments(session),
            "onboardings": [(t.name, t.definition["title"]) for t in list_templates(session)],
        }

    data = in_transaction(request, load, write=True)  # stores what it computed
    return pages.render(
        request,
        "kpi.html",
        user=user,
        choice=choice,
        grains=list(Grain),
        touch_models=list(TouchModel),
        stages=list(LifecycleStage),
        **data,
    )
