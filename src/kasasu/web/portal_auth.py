"""Signing in to the customer portal, and the one dependency every portal page takes.

A contact asks for a link at /portal/sign-in (the page answers the same for every email);
the emailed link shows a button, and only pressing it (a POST) uses the link up, so a mail
scanner that opens links cannot spend it. The product may also send its signed-in user in
(POST /portal/sign-in/product with the SDK's signed identity). The portal's session is its
own cookie, ``kasasu_portal``, apart from the staff's session; its row is deleted on
signing out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from kasasu.errors import InvalidInput, KasasuError, http_status
from kasasu.guides.schemas import SdkIdentity
from kasasu.portal.config import SESSION_COOKIE, PortalConfig
from kasasu.portal.schemas import Opened, PortalViewer
from kasasu.portal.signin import end_session, open_from_product, open_with_link, request_link
from kasasu.portal.signin import viewer_of as session_viewer
from kasasu.web.auth import check_csrf, local_path
from kasasu.web.context import client_address, in_transaction, web_context
from kasasu.web.portal_nav import PORTAL_NAV, portal_current
from kasasu.web.render import SESSION_LOCALE, Pages, PagesDep, request_locale

HOME = "/portal"
SIGN_IN = "/portal/sign-in"


class PortalSignInRequired(Exception):
    """Raised by ``portal_viewer`` for a visitor without a live portal session."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def portal_config(request: Request) -> PortalConfig:
    config = web_context(request).portal
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("the portal is not configured")
    return config


def portal_viewer(request: Request) -> PortalViewer:
    """The signed-in contact and their company: every portal page's one source of who is
    asking, so a page can only show that company's data."""
    token = request.cookies.get(SESSION_COOKIE)
    now = datetime.now(UTC)
    viewer = (
        in_transaction(request, lambda s: session_viewer(s, token, now), write=False)
        if token
        else None
    )
    if viewer is None:
        raise PortalSignInRequired(request.url.path)
    request.state.portal_viewer = viewer
    return viewer


Viewer = Annotated[PortalViewer, Depends(portal_viewer)]


def portal_sign_in_redirect(_request: Request, error: PortalSignInRequired) -> Response:
    response = RedirectResponse(f"{SIGN_IN}?next={quote(error.next_path)}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=HOME)  # a stale cookie goes
    return response


def render_portal(
    request: Request, pages: Pages, template: str, status_code: int = 200, **values: object
) -> HTMLResponse:
    """A portal page: the installation's branding and the portal's own layout."""
    return pages.render(
        request,
        template,
        status_code,
        brand=portal_config(request).branding,
        portal_nav=PORTAL_NAV,
        portal_current=portal_current,
        **values,
    )


def _portal_next(raw: str) -> str:
    """Only a portal page is a place to go after signing in."""
    path = local_path(raw)
    return path if path == HOME or path.startswith(HOME + "/") else HOME


def _start(request: Request, opened: Opened, next_path: str) -> Response:
    """Open the portal in the contact's recorded language, as a staff sign-in opens the
    workspace in the user's; the language switch still changes it afterwards."""
    config = portal_config(request)
    if opened.viewer.locale:
        request.session[SESSION_LOCALE] = opened.viewer.locale
    response = RedirectResponse(_portal_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=config.session_hours * 3600,
        path=HOME,
        httponly=True,
        samesite="lax",
        secure=config.secure_cookie,
    )
    return response


class ProductSignIn(SdkIdentity):
    """The form the product's page posts: the SDK's signed identity, and where to go."""

    next: str = Field(default=HOME, max_length=2000)
    issued_at: int = Field(default=0, description="When the product's server signed (Unix s)")


router = APIRouter(include_in_schema=False)


@router.get(SIGN_IN, response_class=HTMLResponse)
def sign_in_page(request: Request, pages: PagesDep, next: str = HOME) -> Response:  # noqa: A002 - the URL's name
    return render_portal(request, pages, "portal/sign_in.html", next=_portal_next(next), form={})


@router.post(SIGN_IN, response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def ask_for_link(
    request: Request,
    background: BackgroundTasks,
    pages: PagesDep,
    email: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,  # noqa: A002 - the form field's name
) -> Response:
    config, now, locale = portal_config(request), datetime.now(UTC), request_locale(request)
    address = client_address(request)
    try:  # Throttled (too many from this address) goes on to the 429 page
        asked = in_transaction(
            request,
            lambda s: request_link(s, config, email, address=address, now=now, locale=locale),
        )
    except InvalidInput as error:
        return render_portal(request, pages, "portal/sign_in.html", 422, next=_portal_next(next),
                             error=error, form={"email": email})  # fmt: skip
    if asked.deliver is not None:
        background.add_task(asked.deliver)  # after the page: a known email answers as fast
    return render_portal(request, pages, "portal/link_sent.html", email=email)


# Before the {token} routes, which would take "product" for a token.
@router.post(SIGN_IN + "/product")
def from_product(
    request: Request, pages: PagesDep, form: Annotated[ProductSignIn, Form()]
) -> Response:
    """Single sign-on from the product: its page posts the identity its server signed for
    the SDK (no CSRF token: the signature and an origin the environment lists are the
    proof, and a page elsewhere sends another origin)."""
    config, now = portal_config(request), datetime.now(UTC)
    who = SdkIdentity.model_validate(form.model_dump())
    origin = request.headers.get("origin")
    try:
        opened = in_transaction(
            request,
            lambda s: open_from_product(s, config, who, origin, now, issued_at=form.issued_at),
        )
    except KasasuError as error:
        status = http_status(error, 403)
        return render_portal(request, pages, "portal/link_invalid.html", status,
                             reason=error.message, product=True)  # fmt: skip
    return _start(request, opened, form.next)


@router.get(SIGN_IN + "/{token}", response_class=HTMLResponse)
def link_page(request: Request, token: str, pages: PagesDep) -> Response:
    """The emailed link: a button that signs in (the link is used up only by the POST)."""
    return render_portal(request, pages, "portal/open_link.html", token=token[:200])


@router.post(SIGN_IN + "/{token}", dependencies=[Depends(check_csrf)])
def use_link(request: Request, token: str, pages: PagesDep) -> Response:
    config, now = portal_config(request), datetime.now(UTC)
    try:
        opened = in_transaction(request, lambda s: open_with_link(s, config, token, now))
    except KasasuError as error:  # the contact left the company since
        status = http_status(error, 403)
        return render_portal(request, pages, "portal/link_invalid.html", status,
                             reason=error.message)  # fmt: skip
    if opened is None:
        return render_portal(request, pages, "portal/link_invalid.html", 410)
    return _start(request, opened, HOME)


@router.post("/portal/sign-out", dependencies=[Depends(check_csrf)])
def sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    in_transaction(request, lambda s: end_session(s, token), write=True)
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=HOME)
    return response
