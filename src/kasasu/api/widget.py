"""The in-app survey widget: a small script the customer's product includes
(``<script src=".../api/v1/widget.js" data-campaign=ID data-contact=EMAIL-OR-ID>``), the
campaign's question for it, and the endpoint it posts the answer to. Only the origins in
KASASU_SURVEYS__WIDGET_ORIGINS may call them from a browser: a request from any other
Origin (or none) gets 403 problem+json and nothing is stored."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from kasasu.api.context import in_transaction
from kasasu.api.problems import problem, request_locale
from kasasu.api.routing import api_router
from kasasu.api.surveys import survey_config
from kasasu.errors import InvalidInput, KasasuError
from kasasu.kit.i18n import LOCALES, translate
from kasasu.surveys.answers import Answer, SurveyPage, answer_campaign, open_campaign

SCRIPT = Path(__file__).resolve().parent / "templates" / "widget.js"
STATUS = {"unknown": 404, "closed": 410}


class WidgetAnswer(BaseModel):
    campaign: str = Field(max_length=64, description="The campaign's public id")
    contact: str = Field(max_length=320, description="The contact's external id or email")
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


def _cors(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept-Language",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def _refused(request: Request) -> JSONResponse:
    locale = request_locale(request)
    return problem(request, 403, translate("This site may not use the survey widget", locale))


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
    )
    def question(request: Request, public_id: str, lang: str | None = None) -> Response:
        origin = _allowed(request)
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

    @router.post("/widget/answer", summary="An answer from the widget (CORS: listed origins)")
    def answer(request: Request, body: WidgetAnswer) -> Response:
        origin = _allowed(request)
        if origin is None:
            return _refused(request)
        given, now = Answer(body.score, body.comment, body.contact), datetime.now(UTC)
        try:
            page = in_transaction(
                request, lambda s: answer_campaign(s, body.campaign, "widget", given, now)
            )
        except KasasuError as error:
            locale = request_locale(request)
            errors = None
            if isinstance(error, InvalidInput):
                errors = [
                    {"loc": list(e.loc), "msg": e.message.render(locale)} for e in error.errors
                ]
            found = problem(request, 422, error.message.render(locale), errors)
            found.headers.update(_cors(origin))
            return found
        refused = _page_problem(request, page, origin)
        if refused is not None:
            return refused
        return JSONResponse({"status": page.state}, headers=_cors(origin))

    return router
