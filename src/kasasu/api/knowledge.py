"""The knowledge base through the API: articles and categories, staff search (drafts
included) and the help centre's two reports."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.fulltext.schemas import SearchResults
from kasasu.kit.types import UTCDatetime
from kasasu.knowledge.reports import MAX_DAYS, before_ticket_report, not_found_report
from kasasu.knowledge.schemas import (
    ArticleCreate,
    ArticleList,
    ArticleRead,
    ArticleUpdate,
    BeforeTicketReport,
    CategoryCreate,
    CategoryRead,
    Locale,
    NotFoundReport,
)
from kasasu.knowledge.service import (
    create_article,
    create_category,
    delete_article,
    get_article,
    list_articles,
    list_categories,
    staff_search,
    update_article,
)

REPORT_DAYS = 30


def _period(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    end = until or datetime.now(UTC)
    return since or end - timedelta(days=REPORT_DAYS), end


def knowledge_router() -> APIRouter:
    router = api_router(
        prefix="/knowledge", tags=["knowledge"], dependencies=[Depends(require(Action.READ))]
    )
    writer = [Depends(require(Action.WRITE))]

    @router.get("/articles", response_model=ArticleList, summary="Every article, drafts too")
    def articles(
        request: Request, category_id: Annotated[int | None, Query(ge=1)] = None
    ) -> ArticleList:
        locale = reporting(request).locale
        return in_transaction(request, lambda s: list_articles(s, locale, category_id))

    @router.post("/articles", response_model=ArticleRead, status_code=201, dependencies=writer)
    def post_article(request: Request, body: ArticleCreate) -> ArticleRead:
        """A new article; readers find it at its ``url`` once published."""
        return in_transaction(request, lambda s: create_article(s, body))

    @router.get("/articles/{article_id}", response_model=ArticleRead)
    def article(request: Request, article_id: PathId) -> ArticleRead:
        return in_transaction(request, lambda s: get_article(s, article_id))

    @router.patch("/articles/{article_id}", response_model=ArticleRead, dependencies=writer)
    def patch_article(request: Request, article_id: PathId, body: ArticleUpdate) -> ArticleRead:
        return in_transaction(request, lambda s: update_article(s, article_id, body))

    @router.delete(
        "/articles/{article_id}", status_code=204, dependencies=[Depends(require(Action.DELETE))]
    )
    def remove_article(request: Request, article_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_article(s, article_id))
        return Response(status_code=204)

    @router.get("/categories", response_model=list[CategoryRead])
    def categories(request: Request) -> list[CategoryRead]:
        return in_transaction(request, list_categories)

    @router.post("/categories", response_model=CategoryRead, status_code=201, dependencies=writer)
    def post_category(request: Request, body: CategoryCreate) -> CategoryRead:
        return in_transaction(request, lambda s: create_category(s, body))

    @router.get(
        "/search", response_model=SearchResults, summary="Articles holding every word, best first"
    )
    def search(
        request: Request,
        q: Annotated[str, Query(max_length=200)],
        locale: Locale = "ja",
    ) -> SearchResults:
        """Drafts included; ``ref_id`` is the article id. Words are matched in their
        dictionary forms, in Japanese and English."""
        return in_transaction(request, lambda s: staff_search(s, q, locale))

    @router.get(
        "/reports/not-found",
        response_model=NotFoundReport,
        summary="Help-centre searches that found nothing",
    )
    def not_found(
        request: Request, since: UTCDatetime | None = None, until: UTCDatetime | None = None
    ) -> NotFoundReport:
        """[since, until), by default the last 30 days."""
        start, end = _period(since, until)
        return in_transaction(request, lambda s: not_found_report(s, start, end))

    @router.get(
        "/reports/before-tickets",
        response_model=BeforeTicketReport,
        summary="Articles read by an account's contacts in the days before its tickets",
    )
    def before_tickets(
        request: Request,
        since: UTCDatetime | None = None,
        until: UTCDatetime | None = None,
        days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 7,
    ) -> BeforeTicketReport:
        start, end = _period(since, until)
        locale = reporting(request).locale
        return in_transaction(request, lambda s: before_ticket_report(s, start, end, days, locale))

    return router
