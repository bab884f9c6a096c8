"""Composition root: settings in, a ready FastAPI application out."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.middleware.sessions import SessionMiddleware

from kasasu.api import create_api
from kasasu.api.app import MOUNT_PATH
from kasasu.api.body_limit import DEFAULT_MAX_BODY, BodyLimit, too_large_problem
from kasasu.api.context import ApiContext
from kasasu.api.events import MAX_BODY_BYTES as MAX_EVENTS_BODY
from kasasu.api.request_ids import RequestIds, internal_error_problem
from kasasu.db import create_db_engine, session_factory
from kasasu.imports.limits import MAX_UPLOAD_BYTES, MULTIPART_OVERHEAD
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.settings import Settings
from kasasu.surveys.config import SurveyConfig
from kasasu.web import create_web
from kasasu.web.context import WebContext
from kasasu.web.pages import internal_error_page, too_large_page


def body_limit(method: str, path: str) -> int:
    """The most bytes a request body may have: files and event batches, else 1 MiB."""
    if method == "POST" and (path == "/imports" or path.startswith(f"{MOUNT_PATH}/imports/")):
        return MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    if method == "POST" and path == f"{MOUNT_PATH}/events":
        return MAX_EVENTS_BODY
    return DEFAULT_MAX_BODY


def _too_large(request: Request, limit: int) -> Response:
    if request.url.path.startswith(f"{MOUNT_PATH}/"):
        return too_large_problem(request, limit)
    return too_large_page(request, limit)


def _failed(request: Request, rid: str) -> Response:
    if request.url.path.startswith(f"{MOUNT_PATH}/"):
        return internal_error_problem(request, rid)
    return internal_error_page(request, rid)


def survey_config(settings: Settings) -> SurveyConfig:
    surveys = settings.surveys
    origins = tuple(o.strip().rstrip("/") for o in surveys.widget_origins.split(",") if o.strip())
    return SurveyConfig(
        secret=settings.secret_key.get_secret_value(),
        base_url=settings.playbooks.base_url,
        locale=settings.locale,
        zone=settings.timezone,
        mail=settings.mail_config(),
        throttle_days=surveys.throttle_days,
        expires_days=surveys.expires_days,
        remind_after_days=surveys.remind_after_days,
        widget_origins=origins,
    )


def api_context(settings: Settings) -> ApiContext:
    engine = create_db_engine(settings.database_url)
    return ApiContext(
        sessions=session_factory(engine),
        events_path=settings.events_path,
        timezone=settings.timezone,
        currency=settings.currency,
        locale=settings.locale,
        fiscal_year_start=settings.fiscal_year_start,
        gross_margin=settings.gross_margin,
        surveys=survey_config(settings),
        playbooks=PlaybookConfig(
            zone=settings.timezone,
            currency=settings.currency,
            locale=settings.locale,
            base_url=settings.playbooks.base_url,
            slack_url=settings.playbooks.slack_url,
        ),
    )


def create_app(settings: Settings) -> FastAPI:
    ctx = api_context(settings)
    app = FastAPI(title="Kasasu", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.kasasu = ctx
    app.mount(MOUNT_PATH, create_api(ctx))
    # Inside the session middleware (a refused page still has the reader's language).
    app.add_middleware(BodyLimit, limit_of=body_limit, refuse=_too_large)
    # Signed (not encrypted) cookie holding the user id, the language and the CSRF token.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="kasasu_session",
        max_age=12 * 60 * 60,
        same_site="lax",
        https_only=not settings.dev_mode,
    )
    app.add_middleware(RequestIds, fail=_failed)  # outermost: every answer carries the id
    create_web(
        app,
        WebContext(
            sessions=ctx.sessions,
            events_path=ctx.events_path,
            timezone=ctx.timezone,
            currency=ctx.currency,
            locale=ctx.locale,
            fiscal_year_start=ctx.fiscal_year_start,
            gross_margin=ctx.gross_margin,
            touch_high_mrr=settings.touch.high_mrr,
            touch_low_mrr=settings.touch.low_mrr,
            surveys=ctx.surveys,
            uploads_dir=settings.uploads_dir,
        ),
    )
    return app
