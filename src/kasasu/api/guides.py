"""In-app guides through the API: authoring (list, create, the draft, publish, pause), the
guide report, and, public for the SDK in a product's pages, which guides a user sees now
(CORS for the origins an environment lists; the user's identity signed as for events)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import api_router
from kasasu.api.sdk import PROBLEMS, sdk_answer, sdk_preflight
from kasasu.domain.permissions import Action
from kasasu.guides.authoring import (
    create_guide,
    get_guide,
    list_guides,
    publish,
    save_draft,
    set_paused,
)
from kasasu.guides.decision import decide
from kasasu.guides.report import GuideReport, guide_report
from kasasu.guides.schemas import (
    GuideAnswer,
    GuideAsk,
    GuideDefinition,
    GuideRead,
    GuideWrite,
    SdkAnswer,
    SdkAnswered,
)
from kasasu.guides.service import answer_survey

GuideKeyPath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def guides_router() -> APIRouter:
    router = api_router(tags=["guides"])
    read = [Depends(require(Action.READ))]
    write = [Depends(require(Action.WRITE))]

    router.add_api_route("/sdk/guides", sdk_preflight, methods=["OPTIONS"], include_in_schema=False)

    @router.post(
        "/sdk/guides",
        response_model=GuideAnswer,
        summary="The guides a user of the product sees now (public; CORS: listed origins)",
        responses=PROBLEMS,
    )
    def shown(request: Request, ask: GuideAsk) -> Response:
        asked, language = request.headers.get("origin"), request.headers.get("accept-language")
        return sdk_answer(
            request,
            ask.environment,
            lambda: in_transaction(
                request, lambda s: decide(s, ask, asked, datetime.now(UTC), language)
            ),
        )

    router.add_api_route(
        "/sdk/answers", sdk_preflight, methods=["OPTIONS"], include_in_schema=False
    )

    @router.post(
        "/sdk/answers",
        response_model=SdkAnswered,
        summary="A micro-survey's answer from a product's page (public; CORS: listed origins)",
        responses=PROBLEMS,
    )
    def answered(request: Request, answer: SdkAnswer) -> Response:
        asked = request.headers.get("origin")
        return sdk_answer(
            request,
            answer.environment,
            lambda: in_transaction(
                request, lambda s: answer_survey(s, answer, asked, datetime.now(UTC))
            ),
        )

    @router.get("/guides", response_model=list[GuideRead], dependencies=read, summary="Guides")
    def guides(request: Request) -> list[GuideRead]:
        return in_transaction(request, list_guides)

    @router.post(
        "/guides",
        response_model=GuideRead,
        status_code=201,
        dependencies=write,
        summary="Make a guide (a draft until published)",
    )
    def make(request: Request, body: GuideWrite) -> GuideRead:
        return in_transaction(request, lambda s: create_guide(s, body))

    @router.get("/guides/{key}", response_model=GuideRead, dependencies=read, summary="A guide")
    def guide(request: Request, key: GuideKeyPath) -> GuideRead:
        return in_transaction(request, lambda s: get_guide(s, key))

    @router.put(
        "/guides/{key}/draft",
        response_model=GuideRead,
        dependencies=write,
        summary="Replace the draft (users see nothing until it is published)",
    )
    def draft(request: Request, key: GuideKeyPath, body: GuideDefinition) -> GuideRead:
        return in_transaction(request, lambda s: save_draft(s, key, body))

    @router.post(
        "/guides/{key}/publish",
        response_model=GuideRead,
        dependencies=write,
        summary="Publish the draft as the next version",
    )
    def publish_it(request: Request, key: GuideKeyPath) -> GuideRead:
        return in_transaction(request, lambda s: publish(s, key, by=None, now=datetime.now(UTC)))

    @router.post(
        "/guides/{key}/pause", response_model=GuideRead, dependencies=write, summary="Pause"
    )
    def pause(request: Request, key: GuideKeyPath) -> GuideRead:
        return in_transaction(
            request, lambda s: set_paused(s, key, paused=True, now=datetime.now(UTC))
        )

    @router.delete(
        "/guides/{key}/pause",
        response_model=GuideRead,
        dependencies=write,
        summary="Resume a paused guide",
    )
    def resume(request: Request, key: GuideKeyPath) -> GuideRead:
        return in_transaction(
            request, lambda s: set_paused(s, key, paused=False, now=datetime.now(UTC))
        )

    @router.get(
        "/guides/{key}/report",
        response_model=GuideReport,
        dependencies=read,
        summary="Reach, completion by step, and tickets on its topic before and after",
    )
    def report(request: Request, key: GuideKeyPath) -> GuideReport:
        return in_transaction(request, lambda s: guide_report(s, key, datetime.now(UTC)))

    return router
