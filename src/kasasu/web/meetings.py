"""Meetings on the onboarding plan, on the account page: schedule one (its start typed in the
reader's time zone), move or cancel it, record who attended; and the public page a reply
link of a meeting email opens, where the invitee says whether they will attend (a form, so
that a mail scanner opening the link answers nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from kasasu.domain.choices import Rsvp
from kasasu.domain.dates import parse_instant
from kasasu.domain.permissions import Action
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import LOCALES, _
from kasasu.onboarding.meeting_schemas import (
    AttendanceIn,
    MeetingCreate,
    MeetingReply,
    MeetingUpdate,
)
from kasasu.onboarding.meetings import (
    cancel_meeting,
    open_reply,
    record_attendance,
    reply_to_meeting,
    reschedule_meeting,
    schedule_meeting,
)
from kasasu.users.schemas import UserRead
from kasasu.web.accounts import render_account
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.forms import field_errors
from kasasu.web.render import Pages, PagesDep, ReportingDep, request_locale

router = APIRouter(include_in_schema=False)
CARD = "#meetings"
ANSWERS = {"yes": Rsvp.ACCEPTED, "no": Rsvp.DECLINED}


class TypedMeeting(BaseModel):
    """The schedule form as typed: checked by MeetingCreate, shown again with its mistakes."""

    kind: str = ""
    title: str = ""
    starts_at: str = ""
    duration_minutes: str = "60"
    place: str = ""
    contact_ids: list[str] = []
    locale: str = ""


def _zone(request: Request, user: UserRead) -> str:
    return user.timezone or web_context(request).reporting.zone


def _start(text: str, zone: str) -> datetime | None:
    """The start typed in ``zone``; None when blank (the form then says it is missing)."""
    if not text.strip():
        return None
    try:
        return parse_instant(text, zone)
    except InvalidInput as error:
        problem = FieldError(("starts_at",), error.message, text)
        raise InvalidInput(error.message, [problem]) from error
    except OverflowError as error:  # year 1 in Tokyo is before UTC's first day
        reason = _("No such time: {value}", value=text)
        raise InvalidInput(reason, [FieldError(("starts_at",), reason, text)]) from error


@router.post("/accounts/{account_id}/meetings", dependencies=[Depends(check_csrf)])
def new_meeting(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    typed: Annotated[TypedMeeting, Form()],
) -> Response:
    """Schedule a meeting; its start is wall time in the reader's zone (their own, else the
    deployment's). Mistakes show next to their fields."""
    require(user, Action.WRITE)
    default = web_context(request).reporting.locale  # the installation's language
    try:
        data = MeetingCreate.model_validate(
            {
                "kind": typed.kind,
                "title": typed.title,
                "starts_at": _start(typed.starts_at, _zone(request, user)),
                "duration_minutes": typed.duration_minutes or 60,
                "place": typed.place or None,
                "contact_ids": typed.contact_ids,
                "locale": typed.locale or None,
            }
        )
        in_transaction(
            request, lambda s: schedule_meeting(s, account_id, data, by=user.id, locale=default)
        )
    except (ValidationError, InvalidInput) as error:
        mistakes = {
            "meeting_form": typed.model_dump(),
            "meeting_errors": field_errors(error, report.locale),
        }
        return render_account(request, account_id, user, pages, report, status=422, **mistakes)
    return RedirectResponse(f"/accounts/{account_id}{CARD}", status_code=303)


@router.post("/onboarding/meetings/{meeting_id}/move", dependencies=[Depends(check_csrf)])
def move_meeting(
    request: Request,
    meeting_id: int,
    user: CurrentUser,
    starts_at: Annotated[str, Form(max_length=40)],
) -> Response:
    """A new start (the invitees are sent the updated invitation and asked again)."""
    require(user, Action.WRITE)
    data = MeetingUpdate.model_validate({"starts_at": _start(starts_at, _zone(request, user))})
    now = datetime.now(UTC)
    moved = in_transaction(request, lambda s: reschedule_meeting(s, meeting_id, data, now=now))
    return RedirectResponse(f"/accounts/{moved.account_id}{CARD}", status_code=303)


@router.post("/onboarding/meetings/{meeting_id}/cancel", dependencies=[Depends(check_csrf)])
def call_off(request: Request, meeting_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    cancelled = in_transaction(request, lambda s: cancel_meeting(s, meeting_id))
    return RedirectResponse(f"/accounts/{cancelled.account_id}{CARD}", status_code=303)


@router.post("/onboarding/meetings/{meeting_id}/attendance", dependencies=[Depends(check_csrf)])
def attendance(
    request: Request,
    meeting_id: int,
    user: CurrentUser,
    attended: Annotated[list[int] | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Who came (the boxes ticked) and who did not; written on the account's timeline."""
    require(user, Action.WRITE)
    data = AttendanceIn(attended=attended or [], note=note)
    locale, now = request_locale(request), datetime.now(UTC)
    held = in_transaction(
        request,
        lambda s: record_attendance(s, meeting_id, data, by=user.id, locale=locale, now=now),
    )
    return RedirectResponse(f"/accounts/{held.account_id}{CARD}", status_code=303)


@router.get("/m/{link}", response_class=HTMLResponse, name="meeting_reply")
def reply_page(request: Request, link: str, pages: PagesDep) -> HTMLResponse:
    """The invitee's page: the meeting and the answer their link chose, to confirm."""
    config, now = web_context(request).reminders, datetime.now(UTC)
    shown = None
    if config is not None:
        shown = in_transaction(request, lambda s: open_reply(s, config.secret, link[:300], now))
    chosen = request.query_params.get("answer", "")
    return _reply_page(request, pages, shown, chosen=chosen if chosen in ANSWERS else "")


@router.post("/m/{link}", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def reply(
    request: Request, link: str, pages: PagesDep, answer: Annotated[str, Form(max_length=8)] = ""
) -> HTMLResponse:
    config, now = web_context(request).reminders, datetime.now(UTC)
    if config is None or answer not in ANSWERS:
        return _reply_page(request, pages, None, chosen="")
    team = web_context(request).reporting.locale  # the timeline is the CS team's
    shown = in_transaction(
        request,
        lambda s: reply_to_meeting(
            s, config.secret, link[:300], ANSWERS[answer], now=now, locale=team
        ),
    )
    return _reply_page(request, pages, shown, chosen=answer, replied=shown is not None)


def _reply_page(
    request: Request,
    pages: Pages,
    shown: MeetingReply | None,
    *,
    chosen: str,
    replied: bool = False,
) -> HTMLResponse:
    """In the meeting's language unless the visitor chose one; 404 for a forged or revoked
    link (which of them is not said), 410 once the meeting is over or cancelled."""
    asked = request.query_params.get("lang")
    locale = asked if asked in LOCALES else shown.locale if shown else None
    status = 404 if shown is None else 200 if shown.state == "open" else 410
    return pages.render(
        request,
        "meeting_reply.html",
        status,
        reply=shown,
        chosen=chosen,
        replied=replied,
        user=None,
        page_locale=locale or request_locale(request),
    )
