"""Segments: the list with their size, one segment's members and history, and a form for
leaders and admins to store one (the rule checked, errors naming the column)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.health.snapshots import latest_briefs, latest_refresh_day
from kasasu.segments.builder import rule_fields
from kasasu.segments.service import (
    get_segment,
    list_segments,
    save_segment,
    segment_history,
    segment_member_page,
    validate_segment,
)
from kasasu.users.schemas import UserRead
from kasasu.users.service import user_names
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import Pages, PagesDep, request_locale

MEMBERS_SHOWN = 200
HISTORY_SHOWN = 50


router = APIRouter(include_in_schema=False)


def list_page(
    request: Request, pages: Pages, user: UserRead, status: int = 200, **values: Any
) -> HTMLResponse:
    segments = in_transaction(request, list_segments)
    return pages.render(
        request,
        "segments.html",
        status,
        user=user,
        segments=segments,
        rule_fields=rule_fields(request_locale(request)),
        **_editing(user),
        **values,
    )


@router.get("/segments", response_class=HTMLResponse)
def segments_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return list_page(request, pages, user, form={})


@router.post("/segments", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def store_segment(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    name: Annotated[str, Form()] = "",
    rule: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    require(user, Action.DELETE)  # leaders and admins configure segments
    form = {"name": name.strip(), "rule": rule.strip(), "description": description.strip()}
    try:
        segment = validate_segment({**form, "description": form["description"] or None}, "form")
    except InvalidInput as error:
        return list_page(request, pages, user, 422, form=form, error=error)
    in_transaction(request, lambda s: save_segment(s, segment))
    return RedirectResponse("/segments", status_code=303)


@router.get("/segments/{name}", response_class=HTMLResponse)
def segment_page(request: Request, name: str, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    data = in_transaction(request, lambda s: _segment(s, name))
    fields = rule_fields(request_locale(request))
    return pages.render(
        request, "segment.html", user=user, rule_fields=fields, **_editing(user), **data
    )


def _editing(user: UserRead) -> dict[str, bool]:
    return {"can_edit": can(user.role, Action.DELETE)}


def _segment(session: Session, name: str) -> dict[str, Any]:
    """The segment, its members on the latest refresh day (with owner, MRR and band) and
    the latest entries and exits."""
    segment = get_segment(session, name)
    day = latest_refresh_day(session)
    members = segment_member_page(session, name, day, MEMBERS_SHOWN) if day else None
    rows = members.members if members else []
    return {
        "segment": segment,
        "members": members,
        "health": latest_briefs(session, [m.account_id for m in rows]),
        "owners": user_names(session, [m.owner_id for m in rows if m.owner_id]),
        "history": segment_history(session, name, HISTORY_SHOWN),
        "form": segment.model_dump(),
    }
