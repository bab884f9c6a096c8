"""The in-app survey widget: a small script the customer's product includes
(``<script src=".../api/v1/widget.js" data-campaign=ID data-contact=ID data-signature=SIG>``),
the campaign's question for it, and the endpoint it posts the answer to.

Security review F8: the customer's backend signs the contact (HMAC-SHA256 with the campaign's
key, docs/surveys-widget.md); an answer unsigned or wrongly signed gets 403 problem+json.
Only the origins in KASASU_SURVEYS__WIDGET_ORIGINS may call from a browser (403 otherwise),
and each client address may make KASASU_LIMITS__WIDGET_PER_ADDRESS requests a window (429
with Retry-After beyond). Known and unknown contacts get the same answer."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from kasasu.api.context import client_address, context, in_transaction
from kasasu.api.problems import error_problem, problem, request_locale
from kasasu.api.routing import api_router, cors_headers
from kasasu.api.surveys import survey_config
from kasasu.errors import KasasuError
from kasasu.kit.i18n import LOCALES, translate
from kasasu.surveys.answers import Answer, SurveyPage, answer_widget, open_campaign

SCRIPT = Path(__file__).resolve().parent / "templates" / "widget.js"
STATUS = {"unknown": 404, "closed": 410}
# Documented for the OpenAPI document (api/openapi.py turns them into problem+json).
PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "The site is not an allowed origin, or the contact's signature is "
        "missing or wrong (answers)"
    },
    410: {"description": "The survey is closed"},
}


class WidgetAnswer(BaseModel):
    campaign: str = Field(max_length=64, description="The campaign's public id")
    contact: str = Field(max_length=320, description="The contact's external id or email")
    signature: str = Field(
        default="",
        max_length=128,
        description="hex(HMAC-SHA256(campaign signing key, contact)), from the customer's backend",
    )
    score: int | None = None
    comment: str | None = Field(default=None, max_length=100_000)


class WidgetQuestion(BaseModel):
    kind: str
    scale: list[int]
    question: str
    followup: str
    low_label: str
    high_label: str
    send: str
    thanks: str


def _allowed(request: Request) -> str | None:
    origin = request.headers.get("origin", "").rstrip("/")
    return origin if origin and origin in survey_config(request).widget_origins else None


def _cors(origin: str | None) -> dict[str, str]:
    return cors_headers(origin, "GET, POST, OPTIONS", "Content-Type, Accept-Language")


def _refused(request: Request) -> JSONResponse:
    locale = request_locale(request)
    return problem(request, 403, translate("This site may not use the survey widget", locale))


def _failed(request: Request, error: KasasuError, origin: str | None) -> JSONResponse:
    """The error as problem+json, readable by the allowed page (CORS)."""
    found = error_problem(request, error)
    found.headers.update(_cors(origin))
    return found


def _page_problem(request: Request, page: SurveyPage, origin: str) -> JSONResponse | None:
    if page.state not in STATUS:
        return None
    detail = translate("No such survey", request_locale(request))
    found = problem(request, STATUS[page.state], detail)
    found.headers.update(_cors(origin))
    return found


def widget_router() -> APIRouter:
    router = api_router(tags=["surveys"])

    @router.get("/widget.js", summary="The survey widget script", response_class=Response)
    def script() -> Response:
        return Response(SCRIPT.read_text(encoding="utf-8"), media_type="text/javascript")

    @router.options("/widget/answer", include_in_schema=False)
    @router.options("/widget/campaigns/{public_id}", include_in_schema=False)
    def preflight(request: Request) -> Response:
        origin = _allowed(request)
        return Response(status_code=204, headers=_cors(origin)) if origin else _refused(request)

    @router.get(
        "/widget/campaigns/{public_id}",
        response_model=WidgetQuestion,
        summary="The campaign's question for the widget",
        responses=PROBLEMS,
    )
    def question(request: Request, public_id: str, lang: str | None = None) -> Response:
        origin = _allowed(request)
        try:
            context(request).survey_guard.check_widget(client_address(request))
        except KasasuError as error:
            return _failed(request, error, origin)
        if origin is None:
            return _refused(request)
        page = in_transaction(request, lambda s: open_campaign(s, public_id, "widget"))
        refused = _page_problem(request, page, origin)
        if refused is not None:
            return refused
        locale = lang if lang in LOCALES else request_locale(request)
        texts = page.texts(locale)
        body = WidgetQuestion(
            kind=page.kind.value,
            scale=list(page.scale),
            question=texts.question,
            followup=texts.followup,
            low_label=texts.low_label,
            high_label=texts.high_label,
            send=translate("Send my answer", locale),
            thanks=translate("Thank you for your answer", locale),
        )
        return JSONResponse(body.model_dump(), headers=_cors(origin))

    @router.post(
        "/widget/answer",
        summary="An answer from the widget for a signed contact (CORS: listed origins)",
        responses=PROBLEMS,
    )
    def answer(request: Request, body: WidgetAnswer) -> Response:
        origin = _allowed(request)
        config, now = survey_config(request), datetime.now(UTC)
        given = Answer(body.score, body.comment, body.contact)
        try:
            context(request).survey_guard.check_widget(client_address(request))
            if origin is None:
                return _refused(request)
            page = in_transaction(
                request,
                lambda s: answer_widget(
                    s, config, body.campaign, given, now, signature=body.signature
                ),
            )
        except KasasuError as error:
            return _failed(request, error, origin)
        refused = _page_problem(request, page, origin)
        if refused is not None:
            return refused
        return JSONResponse({"status": page.state}, headers=_cors(origin))

    return router
