"""Events (webinars, seminars, user meetings, trainings) through the API: the events, their
invitations, registrations, check-in, the attendance export of the meeting tool, and the
report (kasasu.webinars)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, keep_fresh
from kasasu.api.routing import PathId, api_router
from kasasu.api.uploads import uploaded_file
from kasasu.domain.periods import parse_month
from kasasu.domain.permissions import Action
from kasasu.imports.attendance import import_attendance
from kasasu.webinars.attendance import check_in
from kasasu.webinars.report import default_cohort
from kasasu.webinars.schemas import (
    AttendanceOutcome,
    CheckIn,
    InviteOutcome,
    Registrant,
    WebinarCreate,
    WebinarRead,
    WebinarReport,
    WebinarSummary,
    WebinarUpdate,
)
from kasasu.webinars.service import (
    MAX_PAGE,
    cancel_webinar,
    count_registrations,
    create_webinar,
    get_webinar,
    invite_contacts,
    invite_emails,
    invite_segment,
    list_webinars,
    registrants,
    update_webinar,
)
from kasasu.workspace.webinars import recalled_report

_UPLOAD_BODY: dict[str, Any] = {  # read after the key is checked (see api/imports.py)
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


class WebinarPage(BaseModel):
    items: list[WebinarSummary]
    total: int = Field(description="Every event, all pages")


class RegistrantPage(BaseModel):
    items: list[Registrant]
    total: int = Field(description="Every registration of the event, all pages")


class InviteIn(BaseModel):
    """Whom to invite: contacts by id, by email address, or else a segment's (the event's
    own when none is named)."""

    contact_ids: list[int] = Field(default_factory=list, max_length=10_000)
    emails: list[str] = Field(default_factory=list, max_length=10_000)
    segment: str | None = Field(default=None, max_length=100)


class CheckedIn(BaseModel):
    attended: int = Field(description="Registrations newly marked attended")


def _now() -> datetime:
    return datetime.now(UTC)


def webinars_router() -> APIRouter:
    router = api_router(
        prefix="/webinars", tags=["webinars"], dependencies=[Depends(require(Action.READ))]
    )
    write = [Depends(require(Action.WRITE))]

    @router.get("", response_model=WebinarPage, summary="Events, the latest first, with counts")
    def listed(request: Request, offset: Offset = 0, limit: Limit = 50) -> WebinarPage:
        items, total = in_transaction(request, lambda s: list_webinars(s, _now(), offset, limit))
        return WebinarPage(items=items, total=total)

    @router.post("", response_model=WebinarRead, status_code=201, dependencies=write)
    def post(request: Request, body: WebinarCreate) -> WebinarRead:
        return in_transaction(request, lambda s: create_webinar(s, body))

    @router.get(
        "/report",
        response_model=WebinarReport,
        summary="Events over, and attendees' retention against their segment's others",
    )
    def report(
        request: Request,
        cohort: Annotated[
            str | None, Query(max_length=20, description="YYYY-MM: the 12 months compared")
        ] = None,
        offset: Offset = 0,
        limit: Limit = 50,
    ) -> WebinarReport:
        ctx = context(request)
        month = parse_month(cohort) if cohort else default_cohort(ctx.reporting)
        found, compared = in_transaction(
            request,
            lambda s: recalled_report(
                s,
                ctx.reporting,
                _now(),
                cohort=month,
                offset=offset,
                limit=limit,
                source=ctx.analytics,
            ),
        )
        keep_fresh(request, compared)
        return found

    @router.get("/{webinar_id}", response_model=WebinarSummary)
    def one(request: Request, webinar_id: PathId) -> WebinarSummary:
        return in_transaction(request, lambda s: get_webinar(s, webinar_id, _now()))

    @router.patch("/{webinar_id}", response_model=WebinarRead, dependencies=write)
    def patch(request: Request, webinar_id: PathId, body: WebinarUpdate) -> WebinarRead:
        return in_transaction(request, lambda s: update_webinar(s, webinar_id, body))

    @router.post("/{webinar_id}/cancel", response_model=WebinarRead, dependencies=write)
    def cancel(request: Request, webinar_id: PathId) -> WebinarRead:
        return in_transaction(request, lambda s: cancel_webinar(s, webinar_id, _now()))

    @router.post("/{webinar_id}/invitations", response_model=InviteOutcome, dependencies=write)
    def invite(request: Request, webinar_id: PathId, body: InviteIn) -> InviteOutcome:
        now = _now()
        if body.contact_ids:
            return in_transaction(
                request, lambda s: invite_contacts(s, webinar_id, body.contact_ids, now)
            )
        if body.emails:
            return in_transaction(request, lambda s: invite_emails(s, webinar_id, body.emails, now))
        return in_transaction(
            request, lambda s: invite_segment(s, webinar_id, body.segment, now.date(), now)
        )

    @router.get("/{webinar_id}/registrations", response_model=RegistrantPage)
    def people(
        request: Request, webinar_id: PathId, offset: Offset = 0, limit: Limit = MAX_PAGE
    ) -> RegistrantPage:
        items, total = in_transaction(
            request,
            lambda s: (
                registrants(s, webinar_id, _now(), offset, limit),
                count_registrations(s, webinar_id),
            ),
        )
        return RegistrantPage(items=items, total=total)

    @router.post("/{webinar_id}/check-in", response_model=CheckedIn, dependencies=write)
    def checked(request: Request, webinar_id: PathId, body: CheckIn) -> CheckedIn:
        path = context(request).events_path
        done = in_transaction(
            request,
            lambda s: check_in(
                s,
                webinar_id,
                body.registration_ids,
                now=_now(),
                minutes=body.minutes,
                events_path=path,
            ),
        )
        return CheckedIn(attended=done)

    @router.post(
        "/{webinar_id}/attendance",
        response_model=AttendanceOutcome,
        dependencies=write,
        summary="Import a Zoom, Teams or Google Meet attendance export",
        description=(
            "Upload `file` (multipart): the meeting tool's attendance export (CSV, TSV or "
            ".xlsx; docs/webinars.md). The tool is recognised from the columns; people are "
            "matched to contacts by email address. Importing the same file again changes "
            "nothing."
        ),
        openapi_extra={"requestBody": _UPLOAD_BODY},
    )
    async def attendance(request: Request, webinar_id: PathId) -> AttendanceOutcome:
        name, data = await uploaded_file(request, "attendance.csv")
        ctx = context(request)
        return await run_in_threadpool(
            in_transaction,
            request,
            lambda s: import_attendance(
                s,
                webinar_id,
                data,
                name,
                zone=ctx.reporting.zone,
                now=_now(),
                events_path=ctx.events_path,
            ),
        )

    return router
