"""Signing in and out, the signed-in user, roles and CSRF on every form."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kasasu.domain.permissions import Action, can
from kasasu.errors import PermissionDenied, Unauthenticated
from kasasu.kit.i18n import _
from kasasu.users.schemas import UserRead
from kasasu.users.service import get_user, verify_password
from kasasu.web.context import in_transaction
from kasasu.web.render import SESSION_CSRF, SESSION_LOCALE, Pages

SESSION_USER = "user_id"


class SignInRequired(Exception):
    """Raised by ``signed_in_user`` for a visitor; the app answers with the sign-in page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def signed_in_user(request: Request) -> UserRead:
    user_id = request.session.get(SESSION_USER)
    user = in_transaction(request, lambda s: get_user(s, int(user_id))) if user_id else None
    if user is None:
        request.session.pop(SESSION_USER, None)
        raise SignInRequired(request.url.path)
    request.state.user = user  # the actor of this request's writes (audit log)
    return user


CurrentUser = Annotated[UserRead, Depends(signed_in_user)]


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token: a form field, or the
    X-CSRF-Token header that htmx sends (set once on <body>)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise PermissionDenied(_("The form has expired; reload the page and try again"))


def require(user: UserRead, action: Action) -> None:
    if not can(user.role, action):
        raise PermissionDenied(_("Your role ({role}) may not do this", role=user.role.value))


def auth_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> Response:  # noqa: A002 - the URL's name
        return pages.render(request, "login.html", next=_local_path(next), error=None)

    @router.post("/login", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
    def login(
        request: Request,
        email: Annotated[str, Form()],
        password: Annotated[str, Form()],
        next: Annotated[str, Form()] = "/",  # noqa: A002 - the form field's name
    ) -> Response:
        try:
            user = in_transaction(request, lambda s: verify_password(s, email.strip(), password))
        except Unauthenticated as error:
            return pages.render(
                request, "login.html", 401, next=_local_path(next), error=error.message, email=email
            )
        chosen = request.session.get(SESSION_LOCALE)  # a language picked before signing in
        request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
        request.session[SESSION_USER] = user.id
        if user.locale or chosen:
            request.session[SESSION_LOCALE] = user.locale or chosen
        return RedirectResponse(_local_path(next), status_code=303)

    @router.post("/logout", dependencies=[Depends(check_csrf)])
    def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    return router


def _local_path(path: str) -> str:
    """Only paths of this site (no //host or scheme): the redirect after signing in."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def sign_in_redirect(error: SignInRequired) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)
