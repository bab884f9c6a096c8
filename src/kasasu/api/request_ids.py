"""A request id on every answer, and one log line per unexpected error (security review F15).

:class:`RequestIds` is an ASGI middleware around the whole application: it takes the
caller's ``X-Request-ID`` (letters, digits and ``._:-``, at most 64) or makes one, sends it
back on every answer, and keeps it in ``request.state.request_id``. An unexpected error is
logged as one line naming the request id, the route, the error's class and where it was
raised; never the request's data nor the error's message, which may quote it. The full
traceback goes to the DEBUG level. The caller gets a 500 naming the same id.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import traceback
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasasu.api.problems import problem, request_locale
from kasasu.kit.i18n import translate
from kasasu.kit.logs import serving_request

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("kasasu.requests")

Failure = Callable[[Request, str], Response]  # (request, request id) → the 500 answer


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


_prefixes: dict[int, str] = {}
_serial = itertools.count()


def new_request_id() -> str:
    """32 hex digits, unique across the server's processes: a random prefix drawn once per
    process, then a serial number. A random id per request (``uuid4``) cost a system call
    each, and the wait for the interpreter's lock after it: 10% of the server's samples of a
    small API write (issue 21). An id names a request in the logs; it is not a secret."""
    pid = os.getpid()  # a forked worker draws its own prefix
    prefix = _prefixes.get(pid) or _prefixes.setdefault(pid, secrets.token_hex(8))
    return f"{prefix}{next(_serial) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


class RequestIds:
    def __init__(self, app: ASGIApp, fail: Failure) -> None:
        self.app, self.fail = app, fail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", ())).get(b"x-request-id", b"").decode("latin-1")
        rid = sent if _VALID.fullmatch(sent) else new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        with serving_request(rid):  # every log line written meanwhile names the request
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as error:
                log.error("request %s failed: %s", rid, describe(scope, error))
                log.debug("request %s traceback", rid, exc_info=error)
                if not started:  # else the API already answered it (its own 500 handler)
                    await self.fail(Request(scope, receive), rid)(scope, receive, send_with_id)


def describe(scope: Scope, error: BaseException) -> str:
    """``POST /accounts/{account_id}: IntegrityError at kasasu/db/engine.py:120 in flush``.

    The route as declared (no ids, no query) and the innermost frame of the application's
    own code (not of a library).
    """
    route = getattr(scope.get("route"), "path", None) or "?"
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if not _library(f.filename)]
    where = ""
    if frames:
        frame = (own or frames)[-1]
        where = f" at {_short(frame.filename)}:{frame.lineno} in {frame.name}"
    return f"{scope.get('method', '')} {route}: {type(error).__name__}{where}"


def _library(filename: str) -> bool:
    path = filename.replace("\\", "/")
    return "/site-packages/" in path or "/lib/python3" in path


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/kasasu/" in path:
        return path[path.rfind("/kasasu/") + 1 :]
    return "/".join(path.split("/")[-2:])


def internal_error_problem(request: Request, rid: str) -> Response:
    """The API's answer to an unexpected error: 500 problem+json naming the request id."""
    detail = translate(
        "Something went wrong on the server; quote request id {id} to your administrator",
        request_locale(request),
        id=rid,
    )
    return problem(request, 500, detail)
