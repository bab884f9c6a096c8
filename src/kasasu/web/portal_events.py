"""Events in the customer portal: those meant for the signed-in contact's company, the
contact's registrations with Register / Cancel buttons, and their past events with the
recordings. Every route takes ``portal_viewer``: another company's event is a 404."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kasasu.errors import Conflict
from kasasu.web.auth import check_csrf
from kasasu.web.context import in_transaction, web_context
from kasasu.web.portal_auth import Viewer, render_portal
from kasasu.web.render import PagesDep, request_locale
from kasasu.webinars.portal import cancel_in_portal, events_for, register_in_portal

router = APIRouter(include_in_schema=False)
HOME = "/portal/events"


@router.get(HOME, response_class=HTMLResponse)
def events(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    return _render(request, viewer, pages)


def _render(request: Request, viewer: Viewer, pages: PagesDep, problem: str = "") -> HTMLResponse:
    now, locale = datetime.now(UTC), request_locale(request)
    found = in_transaction(
        request, lambda s: events_for(s, viewer.account_id, viewer.contact_id, locale, now)
    )
    return render_portal(request, pages, "portal/events.html", 409 if problem else 200,
                         viewer=viewer, found=found, now=now, problem=problem)  # fmt: skip


@router.post(HOME + "/{webinar_id}/register", dependencies=[Depends(check_csrf)])
def register(request: Request, webinar_id: int, viewer: Viewer, pages: PagesDep) -> Response:
    now, path = datetime.now(UTC), web_context(request).events_path
    try:
        in_transaction(
            request,
            lambda s: register_in_portal(
                s,
                viewer.account_id,
                contact_id=viewer.contact_id,
                webinar_id=webinar_id,
                now=now,
                events_path=path,
            ),
        )
    except Conflict as error:  # full without a waiting list, over or cancelled meanwhile
        return _render(request, viewer, pages, error.message.render(request_locale(request)))
    return RedirectResponse(HOME, status_code=303)


@router.post(HOME + "/{webinar_id}/cancel", dependencies=[Depends(check_csrf)])
def cancel(request: Request, webinar_id: int, viewer: Viewer, pages: PagesDep) -> Response:
    now, path = datetime.now(UTC), web_context(request).events_path
    try:
        in_transaction(
            request,
            lambda s: cancel_in_portal(
                s, viewer.contact_id, webinar_id=webinar_id, now=now, events_path=path
            ),
        )
    except Conflict as error:
        return _render(request, viewer, pages, error.message.render(request_locale(request)))
    return RedirectResponse(HOME, status_code=303)
