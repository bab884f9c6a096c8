"""Needs board (要望管理), loyal customers and advocates, and survey results pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.advocacy.service import advocates, set_reference
from kasasu.domain.choices import NeedStatus
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action, can
from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.kit.types import RowId, is_row_id
from kasasu.metrics.schemas import MetricQuery
from kasasu.needs.schemas import StatusChange
from kasasu.needs.service import (
    change_status,
    count_unlinked,
    get_need,
    group_request,
    open_needs,
    unlinked_requests,
)
from kasasu.segments.service import list_segments
from kasasu.surveys.trends import SurveyResults
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, keep_fresh, web_context
from kasasu.web.forms import page_number
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace.listening import (
    loyal_query,
    recall_loyal,
    recall_need_board,
    recall_survey_results,
    results_query,
)
from kasasu.workspace.memo import Recalled


def _month(text: str | None, today: date) -> date:
    """The month ``text`` (YYYY-MM) names, else the one holding ``today``."""
    try:
        return parse_month(text) if text else today.replace(day=1)
    except InvalidInput:
        return today.replace(day=1)


LOYAL_PAGE = 100  # rows of each list; the counts cover them all

router = APIRouter(include_in_schema=False)
UNGROUPED_SHOWN = 100  # requests waiting for a need, newest first; the count covers all


@router.get("/needs", response_class=HTMLResponse)
def needs_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    wanted = request.query_params.getlist("status")
    statuses = [NeedStatus(s) for s in wanted if s in NeedStatus.__members__.values()]
    found, waiting, total, needs = in_transaction(
        request,
        lambda s: (
            recall_need_board(s, statuses, report.currency),
            unlinked_requests(s, UNGROUPED_SHOWN),
            count_unlinked(s),
            open_needs(s),
        ),
    )
    keep_fresh(request, found)
    board = found.value
    return pages.render(
        request,
        "needs.html",
        user=user,
        board=board,
        statuses=list(NeedStatus),
        chosen=statuses,
        ungrouped=waiting,
        ungrouped_total=total,
        open_needs=needs,
        can_group=can(user.role, Action.WRITE),
    )


@router.post("/needs/group", dependencies=[Depends(check_csrf)])
def group(
    request: Request,
    user: CurrentUser,
    request_id: Annotated[RowId, Form()],
    need: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Put a waiting request under a need, or make a need of it (titled as typed, else as
    the request)."""
    require(user, Action.WRITE)
    chosen = int(need) if is_row_id(need) else None
    need_id = in_transaction(request, lambda s: group_request(s, request_id, chosen, title))
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, need_id: int, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    detail = in_transaction(request, lambda s: get_need(s, need_id))
    return pages.render(
        request,
        "need.html",
        user=user,
        detail=detail,
        statuses=list(NeedStatus),
        can_change=can(user.role, Action.DELETE),
    )


@router.post("/needs/{need_id}/status", dependencies=[Depends(check_csrf)])
def post_status(
    request: Request,
    need_id: int,
    *,
    user: CurrentUser,
    report: ReportingDep,
    status: Annotated[NeedStatus, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    require(user, Action.DELETE)  # leaders and admins decide a need's status
    change = StatusChange(status=status, note=note.strip() or None)
    today = report.today()
    locale = web_context(request).reporting.locale  # mail in the deployment's language
    in_transaction(
        request,
        lambda s: change_status(
            s, need_id, change, user_id=user.id, today=today, default_locale=locale
        ),
    )
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.get("/loyal", response_class=HTMLResponse)
def loyal_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    source = web_context(request).analytics
    month = _month(request.query_params.get("month"), report.today())
    query = loyal_query(report, month)
    recalled, found = in_transaction(
        request, lambda s: (recall_loyal(s, month, query, source), advocates(s))
    )
    keep_fresh(request, recalled)
    loyal = recalled.value
    asked = dict(request.query_params)
    numbers = {
        "customers": page_number(asked.get("page")),
        "advocates": page_number(asked.get("advocates_page")),
    }
    return pages.render(
        request,
        "loyal.html",
        user=user,
        loyal=loyal,
        advocates=found,
        can_edit=can(user.role, Action.WRITE),
        pages=numbers,
        size=LOYAL_PAGE,
        query=asked,
    )


@router.post("/loyal/references", dependencies=[Depends(check_csrf)])
def post_reference(
    request: Request,
    user: CurrentUser,
    contact_id: Annotated[int, Form()],
    agreed: Annotated[bool, Form()] = False,
) -> Response:
    require(user, Action.WRITE)
    in_transaction(request, lambda s: set_reference(s, contact_id, agreed=agreed))
    return RedirectResponse("/loyal", status_code=303)


@router.get("/survey-results", response_class=HTMLResponse)
def results_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    params = request.query_params
    by = Grain(params["by"]) if params.get("by") in set(Grain) else Grain.MONTH
    plan, segment = params.get("plan") or None, params.get("segment") or None
    query = _results_query(report, by, params.get("to"))
    source = web_context(request).analytics

    def load(s: Session) -> tuple[Recalled[SurveyResults], list[str]]:
        found = recall_survey_results(s, query, plan=plan, segment=segment, source=source)
        return found, [x.name for x in list_segments(s)]

    found, segments = in_transaction(request, load)
    keep_fresh(request, found)
    results = found.value
    return pages.render(
        request,
        "survey_results.html",
        user=user,
        results=results,
        grains=list(Grain),
        by=by,
        segments=segments,
        plans=[r.label for r in results.by_plan],
        chart=[{"period": r.label, **r.scores["nps"].model_dump()} for r in results.trend],
    )


def _results_query(report: Reporting, by: Grain, to: str | None) -> MetricQuery:
    """The last periods of ``by`` up to the month ``to`` names (else this month)."""
    return results_query(report, by, _month(to, report.today()))
