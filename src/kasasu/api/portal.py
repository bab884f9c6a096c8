"""The customer portal's JSON API at /portal/api, for a signed-in contact (the portal's
session cookie, not an API key): the same data as the portal's pages, of the contact's own
company only. Without a live session every route is a 401 problem; an id of another
company's object is a 404 like one that does not exist. The community, events and help
centre are in portal_community, portal_events and portal_help; every write there needs the
session's CSRF token in the X-CSRF-Token header (GET /csrf; see portal_session)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from pydantic import BaseModel

from kasasu import __version__
from kasasu.api import problems
from kasasu.api.context import ApiContext, context, in_transaction
from kasasu.api.portal_community import portal_community_router
from kasasu.api.portal_events import portal_events_router
from kasasu.api.portal_help import portal_help_router
from kasasu.api.portal_session import CsrfToken, Viewer, csrf, portal_locale
from kasasu.api.problems import NO_OPENTELEMETRY
from kasasu.api.routing import PathId
from kasasu.portal.announcements import announcement_for, announcements_for
from kasasu.portal.schemas import AnnouncementShown, PortalViewer
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.invited import OpenInvitation
from kasasu.workspace.portal import (
    PortalHome,
    RequestFilter,
    RequestShown,
    portal_home,
    portal_requests,
    portal_surveys,
)

MOUNT = "/portal/api"


def _surveys(request: Request) -> SurveyConfig:
    config = context(request).surveys
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("surveys are not configured")
    return config


class RequestPage(BaseModel):
    items: list[RequestShown]
    next_cursor: str | None


def me(viewer: Viewer) -> PortalViewer:
    return viewer


def home(request: Request, viewer: Viewer) -> PortalHome:
    now, locale = datetime.now(UTC), portal_locale(request)
    zone, surveys = context(request).reporting.zone, _surveys(request)
    return in_transaction(
        request, lambda s: portal_home(s, viewer, surveys, locale=locale, zone=zone, now=now)
    )


def requests(
    request: Request, viewer: Viewer, asked: Annotated[RequestFilter, Query()]
) -> RequestPage:
    page = in_transaction(request, lambda s: portal_requests(s, viewer, asked))
    return RequestPage(items=page.items, next_cursor=page.next_cursor)


def announcements(request: Request, viewer: Viewer) -> list[AnnouncementShown]:
    now, locale = datetime.now(UTC), portal_locale(request)
    return in_transaction(request, lambda s: announcements_for(s, viewer.account_id, locale, now))


def announcement(request: Request, viewer: Viewer, announcement_id: PathId) -> AnnouncementShown:
    now, locale = datetime.now(UTC), portal_locale(request)
    return in_transaction(
        request, lambda s: announcement_for(s, viewer.account_id, announcement_id, locale, now)
    )


def surveys(request: Request, viewer: Viewer) -> list[OpenInvitation]:
    now, locale, config = datetime.now(UTC), portal_locale(request), _surveys(request)
    return in_transaction(request, lambda s: portal_surveys(s, viewer, config, locale, now))


def create_portal_api(ctx: ApiContext) -> FastAPI:
    app = FastAPI(title="Kasasu customer portal API", version=__version__, docs_url=None,
                  redoc_url=None, openapi_url="/openapi.json",
                  telemetry=NO_OPENTELEMETRY)  # fmt: skip
    app.state.kasasu = ctx
    problems.install(app)
    routes: list[tuple[str, Callable[..., Any], Any, str]] = [
        ("/me", me, PortalViewer, "The signed-in contact and their company"),
        ("/home", home, PortalHome, "Onboarding, success plan, news, requests, surveys"),
        ("/requests", requests, RequestPage, "The company's requests, newest first"),
        ("/announcements", announcements, list[AnnouncementShown], "Announcements for it"),
        ("/announcements/{announcement_id}", announcement, AnnouncementShown, "One of them"),
        ("/surveys", surveys, list[OpenInvitation], "The contact's open survey invitations"),
        ("/csrf", csrf, CsrfToken, "The token every write sends as the X-CSRF-Token header"),
    ]
    for path, endpoint, model, summary in routes:
        app.add_api_route(path, endpoint, methods=["GET"], response_model=model, summary=summary)
    for router in (portal_community_router(), portal_events_router(), portal_help_router()):
        app.include_router(router)
    return app
