"""Announcements for the customer portal, written by the team: the list with a form for a
new one, each one's form, and deleting. Times are read and shown in the user's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from kasasu.domain.permissions import Action, can
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.portal.announcements import (
    create_announcement,
    delete_announcement,
    get_announcement,
    list_announcements,
    update_announcement,
)
from kasasu.portal.schemas import AnnouncementCreate, AnnouncementRead
from kasasu.segments.service import list_segments
from kasasu.users.schemas import UserRead
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.guide_form import _local, _moment  # the same datetime-local fields
from kasasu.web.render import Pages, PagesDep

router = APIRouter(include_in_schema=False)
FIELDS = ("title", "body", "segment", "locale", "published_at", "expires_at")


def _zone(request: Request, user: UserRead) -> str:
    return user.timezone or web_context(request).reporting.zone


def _form_of(item: AnnouncementRead | None, zone: str) -> dict[str, str]:
    if item is None:
        return {"published_at": _local(datetime.now(UTC), zone)}
    return {
        "title": item.title,
        "body": item.body,
        "segment": item.segment or "",
        "locale": item.locale or "",
        "published_at": _local(item.published_at, zone),
        "expires_at": _local(item.expires_at, zone),
    }


def _parse(form: dict[str, str], zone: str) -> AnnouncementCreate:
    published = _moment("published_at", form.get("published_at", ""), zone)
    if published is None:
        reason = _("Enter when it is shown from")
        raise InvalidInput(reason, [FieldError(("published_at",), reason)])
    values: dict[str, object] = {k: form.get(k, "") for k in ("title", "body", "segment", "locale")}
    values["published_at"] = published
    values["expires_at"] = _moment("expires_at", form.get("expires_at", ""), zone)
    return AnnouncementCreate.model_validate(values)


def _page(
    request: Request,
    pages: Pages,
    user: UserRead,
    *,
    item: AnnouncementRead | None,
    form: dict[str, str],
    error: InvalidInput | ValidationError | None = None,
) -> HTMLResponse:
    cursor = request.query_params.get("cursor")
    listed, segments = in_transaction(
        request, lambda s: (list_announcements(s, cursor=cursor), list_segments(s))
    )
    return pages.render(request, "announcements.html", 422 if error else 200, user=user,
                        listed=listed, item=item, form=form, error=error,
                        segments=[s.name for s in segments],
                        can_edit=can(user.role, Action.WRITE))  # fmt: skip


@router.get("/announcements", response_class=HTMLResponse)
def announcements_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return _page(request, pages, user, item=None, form=_form_of(None, _zone(request, user)))


@router.get("/announcements/{announcement_id}", response_class=HTMLResponse)
def announcement_page(
    request: Request, announcement_id: int, user: CurrentUser, pages: PagesDep
) -> HTMLResponse:
    item = in_transaction(request, lambda s: get_announcement(s, announcement_id))
    return _page(request, pages, user, item=item, form=_form_of(item, _zone(request, user)))


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k) or "") for k in FIELDS}


@router.post("/announcements", dependencies=[Depends(check_csrf)])
def add(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    form: Annotated[dict[str, str], Depends(_fields)],
) -> Response:
    require(user, Action.WRITE)
    try:
        data = _parse(form, _zone(request, user))
        made = in_transaction(request, lambda s: create_announcement(s, data, user.id))
    except (InvalidInput, ValidationError) as error:
        return _page(request, pages, user, item=None, form=form, error=error)
    return RedirectResponse(f"/announcements/{made.id}", status_code=303)


@router.post("/announcements/{announcement_id}", dependencies=[Depends(check_csrf)])
def change(
    request: Request,
    announcement_id: int,
    user: CurrentUser,
    pages: PagesDep,
    form: Annotated[dict[str, str], Depends(_fields)],
) -> Response:
    require(user, Action.WRITE)
    try:
        data = _parse(form, _zone(request, user))
        in_transaction(request, lambda s: update_announcement(s, announcement_id, data))
    except (InvalidInput, ValidationError) as error:
        item = in_transaction(request, lambda s: get_announcement(s, announcement_id))
        return _page(request, pages, user, item=item, form=form, error=error)
    return RedirectResponse(f"/announcements/{announcement_id}", status_code=303)


@router.post("/announcements/{announcement_id}/delete", dependencies=[Depends(check_csrf)])
def remove(request: Request, announcement_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    in_transaction(request, lambda s: delete_announcement(s, announcement_id))
    return RedirectResponse("/announcements", status_code=303)
