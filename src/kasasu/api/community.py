"""The community through the API, for the CS team: spaces, threads (hidden ones too),
moderation, the reports' queue, staff search, needs made of posts and the analytics.
Community managers are keys whose role may write; deleting and spaces need delete."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import PathId, api_router
from kasasu.community.moderation import (
    MODERATE,
    REMOVE,
    create_space,
    delete_post,
    delete_reply,
    hide_reply,
    list_reports,
    make_need,
    moderate,
    resolve_report,
    update_space,
)
from kasasu.community.posting import accept_answer, staff_reply
from kasasu.community.reading import get_space, get_thread, list_posts, list_spaces, search_posts
from kasasu.community.schemas import (
    CommunityStats,
    Moderation,
    NeedMade,
    PostPage,
    ReplyCreate,
    ReportRow,
    SpaceCreate,
    SpaceRead,
    SpaceUpdate,
    Thread,
)
from kasasu.community.stats import community_stats
from kasasu.domain.permissions import Action
from kasasu.fulltext.schemas import SearchResults
from kasasu.kit.types import UTCDatetime
from kasasu.users.schemas import ApiKeyRead

ANALYTICS_DAYS = 30


class ReportPage(BaseModel):
    items: list[ReportRow]
    total: int
    page: int
    pages: int


class ReplyHidden(BaseModel):
    hidden: bool


class Resolution(BaseModel):
    hide: bool


class Accepted(BaseModel):
    accepted: bool


def community_router() -> APIRouter:  # noqa: PLR0915 - one route per function below
    router = api_router(
        prefix="/community", tags=["community"], dependencies=[Depends(require(Action.READ))]
    )
    manager = Annotated[ApiKeyRead, Depends(require(MODERATE))]
    remover = [Depends(require(REMOVE))]

    @router.get("/spaces", response_model=list[SpaceRead])
    def spaces(request: Request) -> list[SpaceRead]:
        locale = reporting(request).locale
        return in_transaction(request, lambda s: list_spaces(s, locale, staff=True))

    @router.post("/spaces", response_model=SpaceRead, status_code=201, dependencies=remover)
    def post_space(request: Request, body: SpaceCreate) -> SpaceRead:
        locale = reporting(request).locale
        return in_transaction(
            request, lambda s: get_space(s, create_space(s, body), locale, staff=True)
        )

    @router.patch("/spaces/{space_id}", response_model=SpaceRead, dependencies=remover)
    def patch_space(request: Request, space_id: PathId, body: SpaceUpdate) -> SpaceRead:
        locale = reporting(request).locale

        def work(s: Session) -> SpaceRead:
            update_space(s, space_id, body)
            return get_space(s, space_id, locale, staff=True)

        return in_transaction(request, work)

    @router.get("/posts", response_model=PostPage, summary="Threads, latest activity first")
    def posts(
        request: Request,
        space_id: Annotated[int | None, Query(ge=1)] = None,
        unanswered: bool = False,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> PostPage:
        """Hidden threads included (``hidden``); ``unanswered``: the questions nobody else
        answered, oldest first."""
        locale = reporting(request).locale
        return in_transaction(
            request,
            lambda s: list_posts(s, locale, space_id=space_id, unanswered=unanswered,
                                 page=page, staff=True),
        )  # fmt: skip

    @router.get("/posts/{post_id}", response_model=Thread)
    def post(request: Request, post_id: PathId) -> Thread:
        locale = reporting(request).locale
        return in_transaction(request, lambda s: get_thread(s, post_id, locale, staff=True))

    @router.patch("/posts/{post_id}", response_model=Thread, summary="Pin, lock, move or hide")
    def patch_post(request: Request, post_id: PathId, body: Moderation, key: manager) -> Thread:
        locale, now = reporting(request).locale, datetime.now(UTC)

        def work(s: Session) -> Thread:
            moderate(s, post_id, body, now, key.user_id)
            return get_thread(s, post_id, locale, staff=True)

        return in_transaction(request, work)

    @router.delete("/posts/{post_id}", status_code=204, dependencies=remover)
    def remove_post(request: Request, post_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_post(s, post_id))
        return Response(status_code=204)

    @router.post("/posts/{post_id}/replies", response_model=Thread, status_code=201)
    def post_reply(request: Request, post_id: PathId, body: ReplyCreate, key: manager) -> Thread:
        """An official answer or comment by the key's user (the CS team)."""
        locale, now = reporting(request).locale, datetime.now(UTC)
        user = key.user_id

        def work(s: Session) -> Thread:
            staff_reply(s, user, post_id, body, now)
            return get_thread(s, post_id, locale, staff=True)

        return in_transaction(request, work)

    @router.post("/posts/{post_id}/need", response_model=NeedMade, summary="Make it a need")
    def post_need(request: Request, post_id: PathId, _key: manager) -> NeedMade:
        """The post becomes a request of its author's company under a new need (要望) of
        the same title, its source the post; a second call returns the same need."""
        return in_transaction(request, lambda s: make_need(s, post_id))

    @router.post("/replies/{reply_id}/accept", response_model=Accepted)
    def accept(request: Request, reply_id: PathId, _key: manager) -> Accepted:
        """Mark the answer accepted (again: the mark is taken back)."""
        done = in_transaction(request, lambda s: accept_answer(s, reply_id, manager=True))
        return Accepted(accepted=done)

    @router.patch("/replies/{reply_id}", response_model=ReplyHidden)
    def patch_reply(
        request: Request, reply_id: PathId, body: ReplyHidden, key: manager
    ) -> ReplyHidden:
        now = datetime.now(UTC)
        in_transaction(
            request, lambda s: hide_reply(s, reply_id, now, key.user_id, hidden=body.hidden)
        )
        return body

    @router.delete("/replies/{reply_id}", status_code=204, dependencies=remover)
    def remove_reply(request: Request, reply_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_reply(s, reply_id))
        return Response(status_code=204)

    @router.get("/reports", response_model=ReportPage, summary="Reported posts, newest first")
    def reports(
        request: Request,
        open_only: bool = True,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> ReportPage:
        rows, total, pages = in_transaction(
            request, lambda s: list_reports(s, open_only=open_only, page=page)
        )
        return ReportPage(items=rows, total=total, page=page, pages=pages)

    @router.post("/reports/{report_id}/resolve", status_code=204)
    def resolve(request: Request, report_id: PathId, body: Resolution, key: manager) -> Response:
        """``hide``: hide what it reports (closing every report of it); else dismiss."""
        now = datetime.now(UTC)
        in_transaction(
            request,
            lambda s: resolve_report(s, report_id, hide=body.hide, now=now, user_id=key.user_id),
        )
        return Response(status_code=204)

    @router.get("/search", response_model=SearchResults, summary="Threads holding every word")
    def search(
        request: Request, q: Annotated[str, Query(max_length=200)], page: int = 1
    ) -> SearchResults:
        """Hidden threads included; ``ref_id`` is the thread's id."""
        locale = reporting(request).locale
        return in_transaction(
            request, lambda s: search_posts(s, q, locale, staff=True, page=max(1, page))
        )

    @router.get("/analytics", response_model=CommunityStats)
    def analytics(
        request: Request, since: UTCDatetime | None = None, until: UTCDatetime | None = None
    ) -> CommunityStats:
        """[since, until), by default the last 30 days; the unanswered questions are every
        visible one now."""
        end = until or datetime.now(UTC)
        start = since or end - timedelta(days=ANALYTICS_DAYS)
        locale = reporting(request).locale
        return in_transaction(request, lambda s: community_stats(s, start, end, locale))

    return router
