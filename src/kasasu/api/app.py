"""The ``/api/v1`` application, mounted by :func:`kasasu.app.create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from kasasu import __version__
from kasasu.api import docs, openapi, problems
from kasasu.api.announcements import announcements_router
from kasasu.api.audit import audit_router
from kasasu.api.churn import churn_router
from kasasu.api.community import community_router
from kasasu.api.context import ApiContext
from kasasu.api.events import events_router
from kasasu.api.exports import exports_router
from kasasu.api.external_ids import external_ids_router
from kasasu.api.funnel import funnel_router
from kasasu.api.guides import guides_router
from kasasu.api.health import health_router
from kasasu.api.imports import imports_router
from kasasu.api.job_runs import job_runs_router
from kasasu.api.knowledge import knowledge_router
from kasasu.api.metrics import metrics_router
from kasasu.api.needs import loyal_router, needs_router
from kasasu.api.onboarding import onboarding_router
from kasasu.api.ownership import ownership_router
from kasasu.api.playbooks import playbooks_router
from kasasu.api.problems import NO_OPENTELEMETRY
from kasasu.api.rates import exchange_rates_router
from kasasu.api.renewals import renewals_router
from kasasu.api.request_ids import internal_error_problem, request_id
from kasasu.api.resources import resource_routers
from kasasu.api.sdk import sdk_router
from kasasu.api.segments import segments_router
from kasasu.api.surveys import surveys_router
from kasasu.api.sync import sync_router
from kasasu.api.voice import voice_router
from kasasu.api.webinars import webinars_router
from kasasu.api.widget import widget_router
from kasasu.api.workspace import workspace_router

MOUNT_PATH = "/api/v1"


def create_api(ctx: ApiContext) -> FastAPI:
    api = FastAPI(
        title="Kasasu API",
        version=__version__,
        description=(
            "Customer data hub of Kasasu. Authenticate with `Authorization: Bearer KEY` "
            "(create a key with `kasasu apikey create`). Errors are RFC 9457 problem+json."
        ),
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        telemetry=NO_OPENTELEMETRY,
    )
    api.state.kasasu = ctx
    problems.install(api)
    # An unexpected error: problem+json naming the request id (the app's RequestIds logs it).
    api.add_exception_handler(Exception, lambda r, _e: internal_error_problem(r, request_id(r)))
    openapi.install(api)
    docs.install(api, MOUNT_PATH)
    for router in resource_routers():
        api.include_router(router)
    api.include_router(events_router())
    api.include_router(imports_router())
    api.include_router(metrics_router())
    api.include_router(funnel_router())
    api.include_router(exchange_rates_router())
    api.include_router(sync_router())
    api.include_router(external_ids_router())
    api.include_router(renewals_router())
    api.include_router(health_router())
    api.include_router(churn_router())
    api.include_router(segments_router())
    api.include_router(ownership_router())
    api.include_router(onboarding_router())
    api.include_router(surveys_router())
    api.include_router(sdk_router())  # events public (CORS: listed origins); the rest admin
    api.include_router(guides_router())  # the SDK's guides public (CORS); authoring needs a key
    api.include_router(widget_router())  # public, CORS for KASASU_SURVEYS__WIDGET_ORIGINS
    api.include_router(playbooks_router())
    api.include_router(voice_router())
    api.include_router(needs_router())
    api.include_router(loyal_router())
    api.include_router(knowledge_router())
    api.include_router(community_router())
    api.include_router(audit_router())
    api.include_router(job_runs_router())
    api.include_router(workspace_router())
    api.include_router(exports_router())
    api.include_router(announcements_router())
    api.include_router(webinars_router())
    return api
