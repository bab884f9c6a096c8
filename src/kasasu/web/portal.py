"""The customer portal's pages: the company's home (onboarding and success plan), its
requests, the announcements meant for it and its open surveys. Every page takes the
signed-in contact from ``portal_viewer`` and asks for that company's data only: an id of
another company's object is a 404 like an id that does not exist."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasasu.portal.announcements import announcement_for, announcements_for
from kasasu.surveys.config import SurveyConfig
from kasasu.web.context import in_transaction, web_context
from kasasu.web.portal_auth import Viewer, render_portal
from kasasu.web.render import PagesDep, lenient, request_locale
from kasasu.workspace.portal import (
    RequestFilter,
    portal_home,
    portal_requests,
    portal_surveys,
)

router = APIRouter(include_in_schema=False)


def _surveys(request: Request) -> SurveyConfig:
    config = web_context(request).surveys
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("surveys are not configured")
    return config


@router.get("/portal", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    now, locale = datetime.now(UTC), request_locale(request)
    zone, surveys = web_context(request).reporting.zone, _surveys(request)
    found = in_transaction(
        request,
        lambda s: portal_home(s, viewer, surveys, locale=locale, zone=zone, now=now),
    )
    return render_portal(request, pages, "portal/home.html", viewer=viewer, home=found)


@router.get("/portal/requests", response_class=HTMLResponse)
def requests(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    asked = lenient(RequestFilter, request.query_params)
    page = in_transaction(request, lambda s: portal_requests(s, viewer, asked))
    return render_portal(
        request, pages, "portal/requests.html", viewer=viewer, page=page, asked=asked
    )


@router.get("/portal/announcements", response_class=HTMLResponse)
def announcements(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    now, locale = datetime.now(UTC), request_locale(request)
    shown = in_transaction(request, lambda s: announcements_for(s, viewer.account_id, locale, now))
    return render_portal(request, pages, "portal/announcements.html", viewer=viewer, items=shown)


@router.get("/portal/announcements/{announcement_id}", response_class=HTMLResponse)
def announcement(
    request: Request, announcement_id: int, viewer: Viewer, pages: PagesDep
) -> HTMLResponse:
    now, locale = datetime.now(UTC), request_locale(request)
    item = in_transaction(
        request, lambda s: announcement_for(s, viewer.account_id, announcement_id, locale, now)
    )
    return render_portal(request, pages, "portal/announcement.html", viewer=viewer, item=item)


@router.get("/portal/surveys", response_class=HTMLResponse)
def surveys(request: Request, viewer: Viewer, pages: PagesDep) -> HTMLResponse:
    now, locale, config = datetime.now(UTC), request_locale(request), _surveys(request)
    found = in_transaction(request, lambda s: portal_surveys(s, viewer, config, locale, now))
    return render_portal(request, pages, "portal/surveys.html", viewer=viewer, items=found)
