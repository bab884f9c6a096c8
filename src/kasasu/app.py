"""Composition root: settings in, a ready FastAPI application out."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from kasasu.api import create_api
from kasasu.api.app import MOUNT_PATH
from kasasu.api.context import ApiContext
from kasasu.db import create_db_engine, session_factory
from kasasu.kit.deadline import BudgetMiddleware
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.settings import Settings
from kasasu.surveys.config import SurveyConfig
from kasasu.web import create_web
from kasasu.web.context import WebContext


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
    # Signed (not encrypted) cookie holding the user id, the language and the CSRF token.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="kasasu_session",
        max_age=12 * 60 * 60,
        same_site="lax",
        https_only=not settings.dev_mode,
    )
    # Outermost: every read (pages and API) runs under a time budget, and stops when its
    # client disconnects or the server stops (security review F10).
    app.add_middleware(BudgetMiddleware, seconds=settings.server.request_budget_seconds)
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
        ),
    )
    return app
