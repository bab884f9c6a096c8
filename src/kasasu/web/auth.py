"""Signing in and out, the signed-in user, roles and CSRF on every form."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.types import Message

from kasasu.domain.permissions import Action, can
from kasasu.errors import PermissionDenied, Unauthenticated
from kasasu.kit.csrf import SESSION_CSRF, token_matches
from kasasu.kit.i18n import _
from kasasu.users.schemas import UserRead
from kasasu.users.service import end_sessions, session_user
from kasasu.users.signin import sign_in
from kasasu.web.context import client_address, in_transaction, web_context
from kasasu.web.render import SESSION_LOCALE, Pages, PagesDep

SESSION_USER = "user_id"
# The user's session generation at sign-in: signing out anywhere, a password change or
# deactivation bumps the stored one, and every cookie holding an older one stops working.
SESSION_GENERATION = "generation"


class SignInRequired(Exception):
    """Raised by ``signed_in_user`` for a visitor; the app answers with the sign-in page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def signed_in_user(request: Request) -> UserRead:
    user_id = request.session.get(SESSION_USER)
    generation = request.session.get(SESSION_GENERATION)
    user = (
        in_transaction(request, lambda s: session_user(s, int(user_id), int(generation)))
        if user_id and isinstance(generation, int)
        else None
    )
    if user is None:
        request.session.pop(SESSION_USER, None)
        request.session.pop(SESSION_GENERATION, None)
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
    _compare_csrf(expected, sent)


def _compare_csrf(expected: object, sent: str | None) -> None:
    if not token_matches(expected, sent):
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


router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, pages: PagesDep, next: str = "/") -> Response:  # noqa: A002 - the URL's name
    return _login_page(request, pages, next=local_path(next), error=None)


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    pages: PagesDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",  # noqa: A002 - the form field's name
) -> Response:
    if not web_context(request).password_sign_in:
        refused = _("Signing in with a password is turned off; use single sign-on")
        return _login_page(request, pages, 403, next=local_path(next), error=refused)
    guard, address = web_context(request).sign_in, client_address(request)
    try:  # Throttled (too many failures) goes on to the 429 page with Retry-After
        user = in_transaction(request, lambda s: sign_in(s, guard, email, password, address))
    except Unauthenticated as error:
        return _login_page(
            request, pages, 401, next=local_path(next), error=error.message, email=email
        )
    return start_session(request, user, next)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    """Signing out ends every session of the user (a copied cookie too), not just this."""
    try:
        user_id: int | None = signed_in_user(request).id
    except SignInRequired:
        user_id = None  # an ended session has nothing more to end
    if user_id is not None:
        in_transaction(request, lambda s: end_sessions(s, user_id))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _login_page(
    request: Request, pages: Pages, status_code: int = 200, **values: object
) -> Response:
    ctx = web_context(request)
    provider = ctx.sso.policy.provider if ctx.sso else None
    return pages.render(
        request,
        "login.html",
        status_code,
        password_sign_in=ctx.password_sign_in,
        sso_provider=provider,
        **values,
    )


def start_session(request: Request, user: UserRead, next_path: str) -> Response:
    """Sign ``user`` in (password or single sign-on alike) and go to ``next_path``."""
    chosen = request.session.get(SESSION_LOCALE)  # a language picked before signing in
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session[SESSION_USER] = user.id
    request.session[SESSION_GENERATION] = user.session_generation
    if user.locale or chosen:
        request.session[SESSION_LOCALE] = user.locale or chosen
    return RedirectResponse(local_path(next_path), status_code=303)


def local_path(path: str) -> str:
    """Only paths of this site (no //host, scheme or /\\host, which browsers read as //host):
    the redirect after signing in."""
    local = path.startswith("/") and not path.startswith(("//", "/\\"))
    return path if local and path.isprintable() else "/"


def sign_in_redirect(error: SignInRequired) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)
