"""What every API router shares: strict JSON request bodies.

Python's ``json`` takes ``NaN``, ``Infinity`` and ``1e400`` (as a float infinity), which no
JSON standard allows, no column stores and no response can carry back; PostgreSQL refuses
NUL (U+0000) in text. Each is refused here, naming where in the body it is, so the API
answers the same on every database instead of failing deep inside a query.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from kasasu.api.problems import request_locale
from kasasu.kit.i18n import Message, _
from kasasu.kit.types import MAX_BIGINT


class _Refused(ValueError):
    def __init__(self, message: Message, where: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.where = where


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(_("Number out of range: {value}", value=text))
    return value


def _no_constant(text: str) -> Any:
    raise _Refused(_("{value} is not a number JSON allows", value=text))


def _check_text(value: Any, where: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise _Refused(_("Contains a NUL character (U+0000)"), where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            _check_text(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{where}[{index}]")


def strict_json(body: bytes | str) -> Any:
    """Parse a request body as standard JSON; :class:`ValueError` says what is wrong."""
    try:
        value = json.loads(body, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError as error:
        raise _Refused(_("The JSON is nested too deeply")) from error
    _check_text(value, "body")
    return value


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = strict_json(await self.body())
            except _Refused as refused:
                detail = refused.message.render(request_locale(self))
                if refused.where:
                    detail = f"{refused.where}: {detail}"
                raise HTTPException(status_code=400, detail=detail) from refused
        return self._json


def _one_thread_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A sync endpoint as a coroutine that runs it in the thread pool.

    FastAPI runs a sync endpoint in a worker thread and then, in a second one, validates
    and serialises its answer: two hand-overs between the event loop and a thread, the
    largest single cost of a small read (issue 21: a third of ``GET /accounts/{id}``'s time
    in the server). A coroutine's answer is serialised on the loop, so wrapped, the
    endpoint costs one hand-over. Its signature is the endpoint's own (``functools.wraps``
    sets ``__wrapped__``, which FastAPI's signature reading follows), so parameters,
    dependencies and the OpenAPI document are unchanged."""
    plain = inspect.isfunction(endpoint) and not (
        inspect.iscoroutinefunction(endpoint)
        or inspect.isasyncgenfunction(endpoint)
        or inspect.isgeneratorfunction(endpoint)  # streamed: FastAPI iterates it in threads
    )
    if not plain:
        return endpoint

    @functools.wraps(endpoint)
    async def in_a_thread(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return in_a_thread


class StrictJsonRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, _one_thread_hop(endpoint), **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict


class PlainTextJsonRoute(StrictJsonRoute):
    """A route whose JSON body may also come as ``text/plain``: what a page's
    ``navigator.sendBeacon`` sends without a CORS preflight. Read and validated as the same
    JSON (same errors); the API docs show the JSON body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def plain(request: Request) -> Response:
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media == "text/plain":
                headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
                headers.append((b"content-type", b"application/json"))
                request = Request({**request.scope, "headers": headers}, request.receive)
            return await handler(request)

        return plain


def api_router(**options: Any) -> APIRouter:
    """An :class:`APIRouter` whose JSON bodies are parsed strictly; use it for every router."""
    return APIRouter(route_class=StrictJsonRoute, **options)


# A row id in a path: the API's ids are BIGINT, and a larger number names no row.
PathId = Annotated[int, Path(ge=1, le=MAX_BIGINT)]


def cors_headers(origin: str | None, methods: str, headers: str) -> dict[str, str]:
    """What lets the page at ``origin`` read an answer (none for an origin not allowed)."""
    if origin is None:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": headers,
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }
