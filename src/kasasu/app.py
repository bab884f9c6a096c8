"""Composition root: settings in, a ready FastAPI application out."""

from __future__ import annotations

import inspect
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Receive, Scope, Send

from kasasu.api import create_api
from kasasu.api.app import MOUNT_PATH
from kasasu.api.body_limit import DEFAULT_MAX_BODY, BodyLimit, too_large_problem
from kasasu.api.events import MAX_BODY_BYTES as MAX_EVENTS_BODY
from kasasu.api.intake import MOUNT as INTAKE_PATH
from kasasu.api.intake import create_intake
from kasasu.api.monitoring import MonitoringConfig, create_monitoring
from kasasu.api.portal import MOUNT as PORTAL_API_PATH
from kasasu.api.portal import create_portal_api
from kasasu.api.problems import NO_OPENTELEMETRY, http_problem
from kasasu.api.request_ids import RequestIds, internal_error_problem
from kasasu.api.request_metrics import RequestMetrics
from kasasu.api.webhooks import MOUNT as WEBHOOKS_PATH
from kasasu.api.webhooks import create_webhooks
from kasasu.imports.limits import MAX_UPLOAD_BYTES, MULTIPART_OVERHEAD
from kasasu.kit.deadline import BudgetMiddleware
from kasasu.kit.security_headers import SecurityHeaders
from kasasu.settings import Settings
from kasasu.web import create_web
from kasasu.web.context import WebContext
from kasasu.web.pages import internal_error_page, too_large_page
from kasasu.wiring import (
    api_context,
    playbook_config,
    reminder_config,
    sign_in_guard,
    sso_config,
)


def body_limit(method: str, path: str) -> int:
    """The most bytes a request body may have: files and event batches, else 1 MiB."""
    if method == "POST" and (path == "/imports" or path.startswith(f"{MOUNT_PATH}/imports/")):
        return MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    if method == "POST" and path.endswith("/attendance") and "/webinars/" in path:
        return MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD  # a meeting tool's attendance export
    if method == "POST" and path == f"{MOUNT_PATH}/events":
        return MAX_EVENTS_BODY
    return DEFAULT_MAX_BODY


def _under(path: str, mounts: tuple[str, ...]) -> bool:
    return any(path == mount or path.startswith(f"{mount}/") for mount in mounts)


def _is_api(request: Request) -> bool:
    """Whether an answer made outside the API app (a refused body, a 500, an unrouted path)
    is for the API, and so problem+json, rather than a page."""
    return _under(request.url.path, (MOUNT_PATH, INTAKE_PATH, WEBHOOKS_PATH, PORTAL_API_PATH))


class _PageSessions(SessionMiddleware):
    """The signed session cookie, for the pages and the portal's API: the APIs that other
    machines call with a key or a signature pass straight through, sparing each of their
    requests the cookie's parsing and the answer's check (3-4% of the server's samples of a
    small API write, issue 21)."""

    KEYED = (MOUNT_PATH, INTAKE_PATH, WEBHOOKS_PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _under(scope["path"], self.KEYED):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _too_large(request: Request, limit: int) -> Response:
    if _is_api(request):
        return too_large_problem(request, limit)
    return too_large_page(request, limit)


def _failed(request: Request, rid: str) -> Response:
    if _is_api(request):
        return internal_error_problem(request, rid)
    return internal_error_page(request, rid)


def _monitoring(settings: Settings) -> MonitoringConfig:
    token = settings.server.metrics_token
    return MonitoringConfig(
        metrics_token=(token.get_secret_value().strip() or None) if token else None,
        reclaim_after=timedelta(minutes=settings.playbooks.reclaim_after_minutes),
        max_attempts=settings.playbooks.attempts,
    )


def create_app(settings: Settings) -> FastAPI:
    ctx = api_context(settings)
    app = FastAPI(
        title="Kasasu", docs_url=None, redoc_url=None, openapi_url=None, telemetry=NO_OPENTELEMETRY
    )
    app.state.kasasu = ctx
    app.mount(MOUNT_PATH, create_api(ctx))
    app.mount(INTAKE_PATH, create_intake(ctx))  # Segment's HTTP API: /v1/batch, /v1/track…
    app.mount(WEBHOOKS_PATH, create_webhooks(ctx))  # POST /webhooks/stripe
    app.mount(PORTAL_API_PATH, create_portal_api(ctx))  # a contact's JSON, by portal cookie
    app.include_router(create_monitoring(_monitoring(settings)))  # /livez /readyz /metrics
    # Inside the session middleware (a refused page still has the reader's language).
    app.add_middleware(BodyLimit, limit_of=body_limit, refuse=_too_large)
    # Signed (not encrypted) cookie holding the user id, the language and the CSRF token.
    app.add_middleware(
        _PageSessions,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="kasasu_session",
        max_age=12 * 60 * 60,
        same_site="lax",
        https_only=not settings.dev_mode,
    )
    # Every read (pages and API) runs under a time budget, and stops when its client
    # disconnects or the server stops (security review F10).
    app.add_middleware(BudgetMiddleware, seconds=settings.server.request_budget_seconds)
    app.add_middleware(RequestIds, fail=_failed)  # every answer carries the id
    # Counted by route template; inside SecurityHeaders, which hands on a copy of the scope.
    app.add_middleware(RequestMetrics)
    # Outermost of ours: every answer (pages, API, static files, 413s, 500s) gets the
    # headers.
    app.add_middleware(
        SecurityHeaders, hsts_max_age=0 if settings.dev_mode else settings.server.hsts_max_age
    )
    create_web(
        app,
        WebContext(
            sessions=ctx.sessions,
            events_path=ctx.events_path,
            reporting=ctx.reporting,
            touch_high_mrr=settings.touch.high_mrr,
            touch_low_mrr=settings.touch.low_mrr,
            surveys=ctx.surveys,
            sign_in=sign_in_guard(settings),
            survey_guard=ctx.survey_guard,
            password_sign_in=settings.auth.password_sign_in,
            sso=sso_config(settings),
            uploads_dir=settings.uploads_dir,
            webhook_hosts=settings.playbooks.allowed_webhook_hosts(),
            playbooks=playbook_config(settings),
            reminders=reminder_config(settings),
            portal=ctx.portal,  # the same throttles as the portal API's
            community=ctx.community,
        ),
    )
    _answer_unrouted_api_paths_as_problems(app)
    return app


def create_app_from_env() -> FastAPI:
    """The application of the settings in the environment: what each process of ``kasasu
    serve --workers N`` builds (uvicorn's factory ``kasasu.app:create_app_from_env``)."""
    return create_app(Settings())


def _answer_unrouted_api_paths_as_problems(app: FastAPI) -> None:
    # The mount's pattern refuses some paths under /api/v1 (a newline in a segment, say), so
    # the site answers them: as problem+json, like every other API answer, not as a page.
    page = app.exception_handlers[StarletteHTTPException]

    async def answer(request: Request, error: Exception) -> Response:
        if _is_api(request):
            return http_problem(request, error)
        response = page(request, error)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, answer)
