"""Events (webinars, seminars, user meetings, trainings) in the workspace: the list, the
form to create or change one, and each event's page: who is invited and registered,
inviting a segment or chosen contacts, check-in by hand, the attendance export of the
meeting tool and what it matched. Times are typed and shown in the reader's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kasasu.domain.choices import EventKind
from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.imports.attendance import import_attendance
from kasasu.kit.markdown import render_markdown
from kasasu.kit.types import local_text
from kasasu.segments.service import list_segments
from kasasu.users.schemas import UserRead
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.forms import page_number
from kasasu.web.render import Pages, PagesDep, request_locale
from kasasu.web.uploads import uploaded_file
from kasasu.web.webinar_form import WebinarForm, form_of
from kasasu.webinars.attendance import check_in
from kasasu.webinars.schemas import AttendanceOutcome, WebinarRead
from kasasu.webinars.service import (
    MAX_PAGE,
    cancel_webinar,
    count_registrations,
    create_webinar,
    get_webinar,
    invite_emails,
    invite_segment,
    list_webinars,
    registrants,
    update_webinar,
)

router = APIRouter(include_in_schema=False)
PAGE = 50


def _zone(request: Request, user: UserRead) -> str:
    return user.timezone or web_context(request).reporting.zone


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/webinars", response_class=HTMLResponse)
def webinars_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    number, now = page_number(request.query_params.get("page")), _now()
    found, total = in_transaction(
        request, lambda s: list_webinars(s, now, (number - 1) * PAGE, PAGE)
    )
    return pages.render(request, "webinars.html", user=user, items=found, total=total,
                        number=number, size=PAGE, now=now,
                        can_edit=can(user.role, Action.WRITE))  # fmt: skip


@router.get("/webinars/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return _form(request, pages, user, None, form=form_of(None, _zone(request, user)))


@router.post("/webinars", dependencies=[Depends(check_csrf)])
def add(
    request: Request, user: CurrentUser, pages: PagesDep, form: Annotated[WebinarForm, Form()]
) -> Response:
    require(user, Action.WRITE)
    try:
        data = form.created(_zone(request, user))
        made = in_transaction(request, lambda s: create_webinar(s, data))
    except (InvalidInput, ValidationError) as error:
        return _form(request, pages, user, None, form=form, error=error)
    return RedirectResponse(f"/webinars/{made.id}", status_code=303)


@router.get("/webinars/{webinar_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, webinar_id: int, user: CurrentUser, pages: PagesDep) -> Response:
    shown = in_transaction(request, lambda s: get_webinar(s, webinar_id, _now())).webinar
    return _form(request, pages, user, shown, form=form_of(shown, _zone(request, user)))


@router.post("/webinars/{webinar_id}", dependencies=[Depends(check_csrf)])
def change(
    request: Request,
    webinar_id: int,
    user: CurrentUser,
    pages: PagesDep,
    form: Annotated[WebinarForm, Form()],
) -> Response:
    require(user, Action.WRITE)
    try:
        data = form.updated(_zone(request, user))
        in_transaction(request, lambda s: update_webinar(s, webinar_id, data))
    except (InvalidInput, ValidationError) as error:
        shown = in_transaction(request, lambda s: get_webinar(s, webinar_id, _now())).webinar
        return _form(request, pages, user, shown, form=form, error=error)
    return RedirectResponse(f"/webinars/{webinar_id}", status_code=303)


@router.post("/webinars/{webinar_id}/cancel", dependencies=[Depends(check_csrf)])
def call_off(request: Request, webinar_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    in_transaction(request, lambda s: cancel_webinar(s, webinar_id, _now()))
    return RedirectResponse(f"/webinars/{webinar_id}", status_code=303)


@router.get("/webinars/{webinar_id}", response_class=HTMLResponse)
def webinar_page(
    request: Request, webinar_id: int, user: CurrentUser, pages: PagesDep
) -> HTMLResponse:
    return _event(request, pages, user, webinar_id)


@router.post("/webinars/{webinar_id}/invite", dependencies=[Depends(check_csrf)])
def invite(
    request: Request,
    webinar_id: int,
    user: CurrentUser,
    pages: PagesDep,
    *,
    segment: Annotated[str, Form(max_length=100)] = "",
    emails: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Invite a segment's contacts, or the contacts with the addresses typed."""
    require(user, Action.WRITE)
    now, typed = _now(), emails.replace(",", "\n").split()
    try:
        outcome = in_transaction(
            request,
            lambda s: (
                invite_emails(s, webinar_id, typed, now)
                if typed
                else invite_segment(s, webinar_id, segment or None, now.date(), now)
            ),
        )
    except InvalidInput as error:
        return _event(request, pages, user, webinar_id, 422, error=error, emails=emails)
    return _event(request, pages, user, webinar_id, invited=outcome)


@router.post("/webinars/{webinar_id}/check-in", dependencies=[Depends(check_csrf)])
def check_in_page(
    request: Request,
    webinar_id: int,
    user: CurrentUser,
    registration: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """The boxes ticked: those people came (the door's check-in)."""
    require(user, Action.WRITE)
    ids, now = registration or [], _now()
    path = web_context(request).events_path
    in_transaction(request, lambda s: check_in(s, webinar_id, ids, now=now, events_path=path))
    return RedirectResponse(f"/webinars/{webinar_id}#registrations", status_code=303)


@router.post("/webinars/{webinar_id}/attendance", response_class=HTMLResponse)
async def attendance(
    request: Request, webinar_id: int, user: CurrentUser, pages: PagesDep
) -> HTMLResponse:
    """The meeting tool's export: who came, the walk-ins and the addresses matched to none.
    The form is read after the session, role and CSRF token are checked."""
    require(user, Action.WRITE)
    sent = await uploaded_file(request, "attendance.csv")
    zone, path = web_context(request).reporting.zone, web_context(request).events_path
    try:
        outcome = await run_in_threadpool(
            in_transaction,
            request,
            lambda s: import_attendance(
                s, webinar_id, sent.data, sent.name, zone=zone, now=_now(), events_path=path
            ),
        )
    except InvalidInput as error:
        return await run_in_threadpool(_event, request, pages, user, webinar_id, 422, error=error)
    return await run_in_threadpool(_event, request, pages, user, webinar_id, imported=outcome)


def _event(
    request: Request,
    pages: Pages,
    user: UserRead,
    webinar_id: int,
    status: int = 200,
    *,
    error: InvalidInput | None = None,
    imported: AttendanceOutcome | None = None,
    **values: Any,
) -> HTMLResponse:
    number, now = page_number(request.query_params.get("page")), _now()

    def load(s: Session) -> dict[str, Any]:
        offset = (number - 1) * MAX_PAGE
        return {
            "summary": get_webinar(s, webinar_id, now),
            "people": registrants(s, webinar_id, now, offset, MAX_PAGE),
            "people_total": count_registrations(s, webinar_id),
            "segments": [x.name for x in list_segments(s)],
        }

    loaded = in_transaction(request, load, write=False)
    about = local_text(loaded["summary"].webinar.description, request_locale(request))
    return pages.render(request, "webinar.html", status, user=user, now=now, error=error,
                        imported=imported, number=number, size=MAX_PAGE,
                        description_html=render_markdown(about),
                        can_edit=can(user.role, Action.WRITE),
                        **loaded, **values)  # fmt: skip


def _form(
    request: Request,
    pages: Pages,
    user: UserRead,
    shown: WebinarRead | None,
    *,
    form: WebinarForm,
    error: InvalidInput | ValidationError | None = None,
) -> HTMLResponse:
    segments = in_transaction(request, lambda s: [x.name for x in list_segments(s)], write=False)
    return pages.render(request, "webinar_form.html", 422 if error else 200, user=user,
                        webinar=shown, form=form, error=error, segments=segments,
                        kinds=list(EventKind), can_edit=can(user.role, Action.WRITE))  # fmt: skip
