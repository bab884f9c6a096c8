"""The CS workspace in the browser: routes, static files and error pages, wired into the app."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kasasu.errors import FieldError, InvalidInput, KasasuError, http_status
from kasasu.kit.i18n import _
from kasasu.kit.validation import pydantic_reason
from kasasu.web import (
    account_actions,
    account_bulk,
    account_export,
    accounts,
    announcements,
    audit,
    auth,
    churn,
    community,
    community_portal,
    dashboard,
    forecast,
    funnel,
    guides,
    help_centre,
    home,
    imports,
    job_history,
    knowledge,
    kpis,
    needs,
    onboarding,
    ownership,
    playbook_tools,
    portal,
    portal_auth,
    portal_events,
    renewals,
    segments,
    settings,
    success_plans,
    survey_answers,
    surveys,
    tasks,
    template_form,
    voice,
    webinar_link,
    webinar_report,
    webinars,
    workload,
)
from kasasu.web.auth import SignInRequired, sign_in_redirect
from kasasu.web.context import WebContext
from kasasu.web.playbooks import playbooks_router
from kasasu.web.portal_auth import PortalSignInRequired, portal_sign_in_redirect
from kasasu.web.render import Pages
from kasasu.web.sso import sso_router

STATIC = Path(__file__).resolve().parent / "static"
_HTTP_MESSAGES = {404: _("Not found"), 405: _("Method not allowed")}


def too_large_page(request: Request, limit: int) -> HTMLResponse:
    """The pages' answer to a body refused before it was read (see kasasu.api.body_limit)."""
    pages: Pages = request.app.state.kasasu_pages
    message = _("The request body is larger than {size} MiB; nothing was read", size=limit // 2**20)
    return pages.render(request, "error.html", 413, message=message, status=413)


def internal_error_page(request: Request, rid: str) -> Response:
    """The pages' answer to an unexpected error, naming the request id that was logged."""
    message = _(
        "Something went wrong on the server; quote request id {id} to your administrator",
        id=rid,
    )
    try:
        pages: Pages = request.app.state.kasasu_pages
        return pages.render(request, "error.html", 500, message=message, status=500)
    except Exception:  # noqa: BLE001 - the page itself may be what failed; say it plainly
        return PlainTextResponse(message.render("en"), status_code=500)


def create_web(app: FastAPI, ctx: WebContext) -> None:
    """Add the pages to ``app`` (which must carry a session middleware)."""
    app.state.kasasu_web = ctx
    pages = Pages()
    app.state.kasasu_pages = pages
    app.include_router(auth.router)
    if ctx.sso is not None:
        app.include_router(sso_router(pages, ctx.sso))
    # In this order: a fixed path before the {id} path of the same prefix, which would take it.
    for router in (
        home.router,
        dashboard.router,
        kpis.router,
        funnel.router,
        account_export.router,  # before /accounts/{id}
        account_bulk.router,
        account_actions.router,
        accounts.router,
        tasks.router,
        forecast.router,  # before /renewals/{id}
        renewals.router,
        churn.router,
        voice.router,
        workload.router,
        ownership.router,
        onboarding.router,
        guides.router,
        template_form.router,
        success_plans.router,
        segments.router,
        playbook_tools.router,  # before /playbooks/{name}
        playbooks_router(pages),
        needs.router,
        imports.router,
        audit.router,
        job_history.router,
        settings.router,
        surveys.router,
        survey_answers.router,  # public: no sign-in
        announcements.router,
        portal_auth.router,  # the customer portal: contacts, not users (web/portal_auth.py)
        portal.router,
        community_portal.router,  # the portal's community: contacts (portal_viewer)
        community.router,  # the team's side: moderation, reports, analytics
        knowledge.router,  # /knowledge/new before /knowledge/{article_id}
        help_centre.router,  # the public help centre: no sign-in
        webinar_report.router,  # /webinars/report before /webinars/{webinar_id}
        webinars.router,
        webinar_link.router,  # public: the emailed /e/{link}, no sign-in
        portal_events.router,  # the portal's events: contacts (portal_viewer)
    ):
        app.include_router(router)

    @app.get("/healthz", response_class=PlainTextResponse, include_in_schema=False)
    def healthz() -> str:
        return "ok"

    _scripts(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(SignInRequired)
    def _sign_in(_request: Request, error: SignInRequired) -> Response:
        return sign_in_redirect(error)

    @app.exception_handler(PortalSignInRequired)
    def _portal_sign_in(request: Request, error: PortalSignInRequired) -> Response:
        return portal_sign_in_redirect(request, error)

    @app.exception_handler(RequestValidationError)
    @app.exception_handler(ValidationError)
    def _invalid(request: Request, error: Exception) -> HTMLResponse:
        # A form field the page did not check itself: the same page of errors, not a 500.
        items = (
            error.errors() if isinstance(error, RequestValidationError | ValidationError) else []
        )
        fields = [
            FieldError(tuple(i.get("loc", ())), pydantic_reason(i), i.get("input")) for i in items
        ]
        invalid = InvalidInput(_("Some fields are not valid"), fields)
        return pages.render(
            request, "error.html", 422, message=invalid.message, status=422, fields=fields
        )

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, error: StarletteHTTPException) -> HTMLResponse:
        # No page at this address (or not with this method): the site's own page, not JSON.
        message = _HTTP_MESSAGES.get(error.status_code, _("Bad request"))
        page = pages.render(request, "error.html", error.status_code, message=message,
                            status=error.status_code)  # fmt: skip
        page.headers.update(error.headers or {})
        return page

    @app.exception_handler(KasasuError)
    def _error(request: Request, error: KasasuError) -> HTMLResponse:
        status = http_status(error, 400)
        page = pages.render(request, "error.html", status, message=error.message, status=status)
        if error.retry_after is not None:
            page.headers["Retry-After"] = str(error.retry_after)
        return page


def _scripts(app: FastAPI) -> None:
    """The scripts served from outside ``static/``: plotly from its wheel, and the SDK at
    its stable address."""

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        # Served from the plotly wheel itself: never copied into the repository.
        path = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        return FileResponse(str(path), media_type="text/javascript")

    @app.get("/sdk/v1/kasasu.js", include_in_schema=False)
    def sdk_js() -> FileResponse:
        # Any site embeds it (its events are checked at /api/v1/sdk/events): cached an hour.
        headers = {"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"}
        return FileResponse(STATIC / "sdk" / "kasasu.js", media_type="text/javascript",
                            headers=headers)  # fmt: skip
