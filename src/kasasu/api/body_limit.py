"""Request bodies beyond a route's limit are refused before they are read (security review F11).

:class:`BodyLimit` is an ASGI middleware around the whole application (pages and API): a
``Content-Length`` above the limit is answered 413 at once, without reading a byte of the
body; a body sent without one (chunked) is counted as it streams and cut off at the limit,
the application sees the client gone and the answer is the same 413. Nothing above the limit
is ever buffered, parsed or spooled to disk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasasu.api.problems import problem, request_locale
from kasasu.kit.i18n import translate

DEFAULT_MAX_BODY = 1024 * 1024  # every form and JSON body but files and event batches

LimitOf = Callable[[str, str], int]  # (method, path) → bytes
Refusal = Callable[[Request, int], Response | Awaitable[Response]]


class BodyLimit:
    def __init__(self, app: ASGIApp, limit_of: LimitOf, refuse: Refusal) -> None:
        self.app, self.limit_of, self.refuse = app, limit_of, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is None or declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True  # the application sees a client that went away
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # its answer to a body cut short is replaced by the 413 below
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over or started:
                raise
        if over and not started:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = self.refuse(Request(scope, receive), limit)
        if not isinstance(response, Response):
            response = await response
        # The unread body stays unread: the connection is closed after the answer.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length; 0 when there is none (chunked), None when it is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 19 else None
    return 0


def too_large_problem(request: Request, limit: int) -> Response:
    """The API's answer: 413 problem+json, in the caller's language."""
    detail = translate(
        "The request body is larger than {size} MiB; nothing was read",
        request_locale(request),
        size=limit // 2**20,
    )
    return problem(request, 413, detail)
