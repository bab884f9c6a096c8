"""Events in the portal API, for the signed-in contact: those meant for their company, their
registrations, registering and cancelling, through the services the portal's events page
calls (kasasu.webinars.portal). An event not meant for the company, or a place that is not
the contact's, is a 404 like one that does not exist; a full event or one over is a 409.
Every write needs the X-CSRF-Token header (kasasu.api.portal_session)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime

from fastapi import APIRouter, Request

from kasasu.api.context import context, in_transaction
from kasasu.api.portal_session import SIGNED_IN, Viewer, portal_locale
from kasasu.api.routing import PathId, api_router
from kasasu.webinars.portal import cancel_in_portal, events_for, register_in_portal
from kasasu.webinars.schemas import PortalEvents, RegistrationRead


def portal_events_router() -> APIRouter:
    router = api_router(prefix="/events", tags=["events"], dependencies=SIGNED_IN)

    @router.get(
        "", response_model=PortalEvents,
        summary="Events to come for the company, with the contact's place; their past ones",
    )  # fmt: skip
    def events(request: Request, viewer: Viewer) -> PortalEvents:
        now, locale = datetime.now(UTC), portal_locale(request)
        return in_transaction(
            request, lambda s: events_for(s, viewer.account_id, viewer.contact_id, locale, now)
        )

    @router.post(
        "/{webinar_id}/register", response_model=RegistrationRead,
        summary="Register for an event (the waiting list when it is full and has one)",
    )  # fmt: skip
    def register(request: Request, viewer: Viewer, webinar_id: PathId) -> RegistrationRead:
        now, path = datetime.now(UTC), context(request).events_path
        return in_transaction(
            request,
            lambda s: register_in_portal(s, viewer.account_id, contact_id=viewer.contact_id,
                                         webinar_id=webinar_id, now=now, events_path=path),
        )  # fmt: skip

    @router.post(
        "/{webinar_id}/cancel", response_model=RegistrationRead,
        summary="Cancel the contact's registration",
    )  # fmt: skip
    def cancel(request: Request, viewer: Viewer, webinar_id: PathId) -> RegistrationRead:
        now, path = datetime.now(UTC), context(request).events_path
        return in_transaction(
            request,
            lambda s: cancel_in_portal(s, viewer.contact_id, webinar_id=webinar_id, now=now,
                                       events_path=path),
        )  # fmt: skip

    return router
