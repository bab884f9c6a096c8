"""Signing in and out, the signed-in user, roles and CSRF on every form."""

from __future__ import annotations

import re
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.types import Message

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
    _compare_csrf(expected, sent)


def _compare_csrf(expected: object, sent: str | None) -> None:
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise PermissionDenied(_("The form has expired; reload the page and try again"))


# The token field opens every form of these pages (templates put it first), so a multipart
# body can be checked from its first part, before the file after it is received.
_FIRST_PART = re.compile(rb"--[^\r\n]{1,200}\r\n(?P<headers>(?:[^\r\n]+\r\n){1,20})\r\n")
_TOKEN_FIELD = re.compile(
    rb'content-disposition:\s*form-data;\s*name="csrf_token"\r\n', re.IGNORECASE
)
_TOKEN_WINDOW = 64 * 1024


async def checked_upload_form(request: Request) -> FormData:
    """The multipart form of a file upload, parsed only once its CSRF token is checked.

    The token comes from the X-CSRF-Token header, or from the form's first field, read from
    the first bytes of the body; the rest of the body is not received before that (security
    review F11). Use it instead of File()/Form() parameters, which FastAPI parses first.
    """
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        sent, request = await _leading_token(request)
    _compare_csrf(expected, sent)
    return await request.form(max_files=1, max_fields=20)


async def _leading_token(request: Request) -> tuple[str | None, Request]:
    """The first field's token, and a request that replays what was read to find it."""
    read: list[Message] = []
    head, decided, token = b"", False, None
    while not decided and len(head) < _TOKEN_WINDOW:
        message = await request.receive()
        read.append(message)
        if message["type"] != "http.request":
            break
        head += message.get("body", b"")
        decided, token = _first_field_token(head)
        if not message.get("more_body", False):
            break
    replay = iter(read)

    async def receive() -> Message:
        return next(replay, None) or await request.receive()

    return token, Request(request.scope, receive)


def _first_field_token(head: bytes) -> tuple[bool, str | None]:
    """(whether the first bytes of a multipart body tell, the token of its first field)."""
    part = _FIRST_PART.match(head)
    if part is None:
        return False, None
    if not _TOKEN_FIELD.search(part["headers"]):
        return True, None  # the first field is something else: no token
    end = head.find(b"\r\n", part.end())
    if end < 0:
        return False, None
    return True, head[part.end() : end].decode("latin-1")


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
