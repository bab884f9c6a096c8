"""Every error as RFC 9457 problem+json, in the caller's language; never a 500 for bad input."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kasasu.api.context import ApiContext
from kasasu.errors import InvalidInput, KasasuError, http_status
from kasasu.kit.i18n import _, negotiate_locale, translate
from kasasu.kit.validation import pydantic_reason

PROBLEM = "application/problem+json"
_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
_TITLES = {
    400: _("Bad request"),
    401: _("Authentication required"),
    403: _("Permission denied"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Invalid input"),
    429: _("Too many requests"),
    500: _("Internal error"),
    503: _("Service unavailable"),
}


def request_locale(request: Request) -> str:
    """The reader's language, else the deployment's; an app without Kasasu's context (a
    refusal before routing) falls back to Japanese."""
    ctx = getattr(request.app.state, "kasasu", None)
    default = ctx.reporting.locale if isinstance(ctx, ApiContext) else "ja"
    return negotiate_locale(request.headers.get("accept-language"), default)


def problem(
    request: Request,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    locale = request_locale(request)
    title = _TITLES.get(status)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title.render(locale) if title else str(status),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if retry_after is not None or status == 503:
        headers["Retry-After"] = str(retry_after or 1)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _kasasu_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KasasuError)
    return error_problem(request, exc)


def error_problem(request: Request, exc: KasasuError) -> JSONResponse:
    """The problem+json answer of a typed error (for routes that add headers to it)."""
    locale = request_locale(request)
    status = http_status(exc, 422)
    errors = None
    if isinstance(exc, InvalidInput):
        errors = [
            {"loc": list(e.loc), "msg": e.message.render(locale), "input": _jsonable(e.value)}
            for e in exc.errors
        ]
    return problem(request, status, exc.message.render(locale), errors, exc.retry_after)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    locale = request_locale(request)
    raw = exc.errors()
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(request, 400, translate("The request body is not valid JSON", locale))
    errors = [
        {
            "loc": list(e.get("loc", ())),
            "msg": pydantic_reason(e).render(locale),
            "type": e.get("type", ""),
            "input": _jsonable(e.get("input")),
        }
        for e in raw
    ]
    return problem(request, 422, translate("Some fields are not valid", locale), errors)


def http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(request, exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = _allowed_methods(request)
    return response


def _allowed_methods(request: Request) -> str:
    # Starlette's Allow names the methods of the first route on the path only; here each
    # method of a path is its own route, so every method is tried against all of them.
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if isinstance(value, str):  # a lone surrogate from JSON cannot be written back as UTF-8
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value][:20]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in list(value.items())[:20]}
    return str(value)


# For every FastAPI app of Kasasu: FastAPI's own OpenTelemetry instrumentation off. Kasasu
# counts its requests itself (kasasu.kit.metrics); the instrumentation asked the global
# providers, and so read the environment, on every request of every mounted app (3-6% of
# the server's samples of a small API write, issue 21).
NO_OPENTELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def machine_app(title: str, ctx: ApiContext) -> FastAPI:
    """An app other machines post to (Segment's intake, webhooks): no documentation pages,
    problem+json answers, the server's context."""
    from kasasu import __version__

    app = FastAPI(title=title, version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None, telemetry=NO_OPENTELEMETRY)  # fmt: skip
    app.state.kasasu = ctx
    install(app)
    return app


def install(app: FastAPI) -> None:
    app.add_exception_handler(KasasuError, _kasasu_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_problem)
