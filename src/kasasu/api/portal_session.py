"""What every route of the portal API shares: the signed-in contact (the portal's session
cookie), the reader's language, and the CSRF check of its writes.

Writes and CSRF. The portal API is authenticated by a cookie, and a browser sends cookies
with a request another site's page makes too. So every write (any method but GET, HEAD and
OPTIONS) must carry the ``X-CSRF-Token`` header holding the browser session's CSRF token:
the token the portal's pages put in their forms and that htmx sends in the same header
(``kasasu.web.auth.check_csrf``; both read ``kasasu.kit.csrf``). A client reads it from
``GET /portal/api/csrf``. Another site's page can neither read that answer (the portal API
grants no CORS) nor add a custom header without a preflight the server does not answer; a
write without the header, or with another token, is a 403 problem."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from kasasu.api import problems
from kasasu.api.context import READ_METHODS, in_transaction
from kasasu.errors import PermissionDenied, Unauthenticated
from kasasu.kit.csrf import SESSION_CSRF, session_token, token_matches
from kasasu.kit.i18n import LOCALES, _
from kasasu.portal.config import SESSION_COOKIE
from kasasu.portal.schemas import PortalViewer
from kasasu.portal.signin import viewer_of

CSRF_HEADER = "X-CSRF-Token"


def portal_viewer(request: Request) -> PortalViewer:
    """The contact of the request's portal session: every route's only source of whose
    data to read."""
    token = request.cookies.get(SESSION_COOKIE)
    now = datetime.now(UTC)
    viewer = in_transaction(request, lambda s: viewer_of(s, token, now), write=False)
    if viewer is None:
        raise Unauthenticated(_("Sign in to the portal first"))
    request.state.portal_viewer = viewer  # its language, for portal_locale
    return viewer


Viewer = Annotated[PortalViewer, Depends(portal_viewer)]


def portal_locale(request: Request) -> str:
    """?lang=, else the signed-in contact's recorded language, else the Accept-Language
    header, else the deployment's language."""
    asked = request.query_params.get("lang")
    if asked in LOCALES:
        return str(asked)
    viewer = getattr(request.state, "portal_viewer", None)
    if isinstance(viewer, PortalViewer) and viewer.locale:
        return viewer.locale
    return problems.request_locale(request)


def check_csrf(request: Request, _viewer: Viewer) -> None:
    """Refuse a write without the session's CSRF token in the X-CSRF-Token header (after
    the session: without one, the answer is 401)."""
    if request.method in READ_METHODS:
        return
    expected = request.session.get(SESSION_CSRF) if "session" in request.scope else None
    if not token_matches(expected, request.headers.get(CSRF_HEADER)):
        raise PermissionDenied(
            _("Send the {header} header with the token of GET /portal/api/csrf",
              header=CSRF_HEADER)
        )  # fmt: skip


# A router's dependencies: a live session for every route (else 401), and for a write the
# CSRF token (else 403).
SIGNED_IN = [Depends(check_csrf)]


class CsrfToken(BaseModel):
    token: str = Field(description="Send it as the X-CSRF-Token header of every write")
    header: str = Field(default=CSRF_HEADER, description="The header's name")


def csrf(request: Request, _viewer: Viewer) -> CsrfToken:
    """The browser session's CSRF token (made on first use, kept in its session cookie)."""
    return CsrfToken(token=session_token(request.session))
