"""Needs (要望), loyal customers and advocates, and survey results through the API."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kasasu.advocacy.schemas import AdvocateRow, LoyalList, ReferenceConsent
from kasasu.advocacy.service import advocates, loyal_customers, set_reference
from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, reporting
from kasasu.api.routing import PathId, api_router
from kasasu.domain.choices import NeedStatus
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action
from kasasu.metrics.schemas import MetricQuery
from kasasu.needs.schemas import (
    NeedBoard,
    NeedCreate,
    NeedDetail,
    NeedRead,
    NeedUpdate,
    RequestLinks,
    StatusChange,
    StatusChangeRead,
)
from kasasu.needs.service import (
    change_status,
    create_need,
    get_need,
    link_requests,
    need_board,
    unlink_requests,
    update_need,
)
from kasasu.surveys.trends import SurveyResults, survey_results, trailing_query
from kasasu.users.schemas import ApiKeyRead

MONTH = r"^\d{4}-\d{2}$"


def _today(request: Request) -> date:
    return reporting(request).today()


def needs_router() -> APIRouter:
    router = api_router(
        prefix="/needs", tags=["needs"], dependencies=[Depends(require(Action.READ))]
    )
    writer = [Depends(require(Action.WRITE))]

    @router.get("", response_model=NeedBoard, summary="Needs ranked by ARR at stake ÷ effort")
    def board(request: Request, status: Annotated[list[NeedStatus], Query()] = []) -> NeedBoard:  # noqa: B006 - FastAPI reads the default, never mutates it
        currency = reporting(request).currency
        return in_transaction(request, lambda s: need_board(s, status, currency))

    @router.post("", response_model=NeedRead, status_code=201, dependencies=writer)
    def post_need(request: Request, body: NeedCreate) -> NeedRead:
        """A new need, grouping the given requests (feedback ids)."""
        return in_transaction(request, lambda s: create_need(s, body))

    @router.get(
        "/{need_id}", response_model=NeedDetail, summary="A need, its requests and accounts"
    )
    def need(request: Request, need_id: PathId) -> NeedDetail:
        return in_transaction(request, lambda s: get_need(s, need_id))

    @router.patch("/{need_id}", response_model=NeedRead, dependencies=writer)
    def patch_need(request: Request, need_id: PathId, body: NeedUpdate) -> NeedRead:
        return in_transaction(request, lambda s: update_need(s, need_id, body))

    @router.post("/{need_id}/requests", status_code=204, dependencies=writer)
    def link(request: Request, need_id: PathId, body: RequestLinks) -> Response:
        """Group requests under the need."""
        in_transaction(request, lambda s: link_requests(s, need_id, body.requests))
        return Response(status_code=204)

    @router.delete("/{need_id}/requests", status_code=204, dependencies=writer)
    def unlink(request: Request, need_id: PathId, body: RequestLinks) -> Response:
        """Take requests out of the need."""
        in_transaction(request, lambda s: unlink_requests(s, need_id, body.requests))
        return Response(status_code=204)

    @router.post(
        "/{need_id}/status",
        response_model=StatusChangeRead | None,
        summary="Change the status (leaders, admins); shipped/declined tasks the owners once",
    )
    def status(
        request: Request,
        need_id: PathId,
        body: StatusChange,
        _key: Annotated[ApiKeyRead, Depends(require(Action.DELETE))],
    ) -> StatusChangeRead | None:
        ctx, today = context(request), _today(request)
        return in_transaction(
            request,
            lambda s: change_status(
                s, need_id, body, user_id=None, today=today, default_locale=ctx.reporting.locale
            ),
        )

    return router


def loyal_router() -> APIRouter:
    router = api_router(tags=["loyal"], dependencies=[Depends(require(Action.READ))])

    @router.get("/loyal", response_model=LoyalList, summary="Loyal customers at a month's end")
    def loyal(
        request: Request,
        month: Annotated[str | None, Query(pattern=MONTH)] = None,
        green: bool = True,
    ) -> LoyalList:
        """The accounts the KPI loyal_customers counts (DESIGN.md §4) at the end of ``month``
        (default: the current one), and green on the latest refresh unless ``green=false``."""
        ctx = context(request)
        day = parse_month(month) if month else _today(request).replace(day=1)
        query = MetricQuery.reported(reporting(request), ("loyal_customers",), day)
        return in_transaction(
            request,
            lambda s: loyal_customers(s, day, query, require_green=green, source=ctx.analytics),
        )

    @router.get("/loyal/advocates", response_model=list[AdvocateRow])
    def advocate_list(request: Request) -> list[AdvocateRow]:
        """Promoters (latest NPS 9–10) who agreed to be a reference."""
        return in_transaction(request, advocates)

    @router.put(
        "/contacts/{contact_id}/reference",
        status_code=204,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Record whether a contact agreed to be a reference",
    )
    def reference(request: Request, contact_id: PathId, body: ReferenceConsent) -> Response:
        in_transaction(request, lambda s: set_reference(s, contact_id, agreed=body.reference_ok))
        return Response(status_code=204)

    @router.get("/survey-results", response_model=SurveyResults)
    def results(
        request: Request,
        by: Grain = Grain.MONTH,
        periods: Annotated[int, Query(ge=1, le=36)] = 12,
        plan: str | None = None,
        segment: str | None = None,
    ) -> SurveyResults:
        """NPS, CSAT and CES per period (filtered by plan and segment), with the 95%
        interval, answers and change; the last period by plan and by segment."""
        ctx = context(request)
        query = trailing_query(_today(request), by, periods, reporting(request))
        return in_transaction(
            request,
            lambda s: survey_results(s, query, plan=plan, segment=segment, source=ctx.analytics),
        )

    return router
