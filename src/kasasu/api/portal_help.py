"""The help centre in the portal API, for the signed-in contact: what the public help
centre's pages read and do (kasasu.web.help_centre), through the same services. The reader
is the contact, so their readings count as their account's usage (a usage event written
once the view has committed, as the page does) and their vote is theirs; votes and comments
pass the same per-address limit as the pages' (PortalGuard). Every write needs the
X-CSRF-Token header (kasasu.api.portal_session)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.api.context import client_address, context, in_transaction
from kasasu.api.portal_session import SIGNED_IN, Viewer, portal_locale
from kasasu.api.routing import api_router
from kasasu.events.schemas import EventIn
from kasasu.kit.types import INPUT_CONFIG
from kasasu.knowledge.reading import (
    MAX_COMMENT,
    comment,
    help_centre,
    my_vote,
    read_article,
    record_view,
    search_help,
    store_view_events,
    vote,
)
from kasasu.knowledge.schemas import (
    ArticleSearch,
    Reader,
    ReaderArticle,
    ReaderCategory,
    VoteCount,
)

Slug = Annotated[str, Path(max_length=200)]


class VoteAsked(BaseModel):
    model_config = INPUT_CONFIG
    helpful: bool = Field(description='"Was this helpful?": yes or no')


class MyVote(BaseModel):
    helpful: bool | None = Field(description="The contact's answer; none: not voted")


class CommentAsked(BaseModel):
    model_config = INPUT_CONFIG
    body: str = Field(min_length=1, max_length=MAX_COMMENT, description="A note to the team")


def _reader(viewer: Viewer) -> Reader:
    return Reader(contact_id=viewer.contact_id)


def _count_feedback(request: Request) -> None:
    portal = context(request).portal  # the server always has one; a test's API may not
    if portal is not None:
        portal.guard.count_feedback(client_address(request))


def portal_help_router() -> APIRouter:
    router = api_router(prefix="/help", tags=["help centre"], dependencies=SIGNED_IN)

    @router.get("", response_model=list[ReaderCategory], summary="Published articles by category")
    def categories(request: Request) -> list[ReaderCategory]:
        locale = portal_locale(request)
        return in_transaction(request, lambda s: help_centre(s, locale))

    @router.get("/search", response_model=ArticleSearch, summary="Articles holding every word")
    def search(
        request: Request, viewer: Viewer, q: Annotated[str, Query(max_length=200)] = ""
    ) -> ArticleSearch:
        """The first 20, best first, in Japanese by its words' base forms; the search is
        kept (with its number of results) for the team's "searched, not found" report."""
        locale, now, reader = portal_locale(request), datetime.now(UTC), _reader(viewer)
        portal = context(request).portal  # the server always has one; a test's API may not
        kept = portal is None or portal.guard.records_search(f"contact:{viewer.contact_id}")
        return in_transaction(
            request, lambda s: search_help(s, q, locale, reader, now, record=kept), write=True
        )

    @router.get(
        "/articles/{slug}", response_model=ReaderArticle,
        summary="An article, in the reader's language else the other (a reading counted)",
    )  # fmt: skip
    def article(
        request: Request, viewer: Viewer, background: BackgroundTasks, slug: Slug
    ) -> ReaderArticle:
        locale, now, reader = portal_locale(request), datetime.now(UTC), _reader(viewer)

        def work(s: Session) -> tuple[ReaderArticle, EventIn | None]:
            shown = read_article(s, slug, locale)
            return shown, record_view(s, shown.id, reader, locale, now)

        shown, event = in_transaction(request, work, write=True)
        if event is not None:  # the account's usage, once the view is committed
            background.add_task(store_view_events, context(request).events_path, [event])
        return shown

    @router.get("/articles/{slug}/vote", response_model=MyVote, summary="The contact's vote")
    def get_vote(request: Request, viewer: Viewer, slug: Slug) -> MyVote:
        reader = _reader(viewer)
        return MyVote(helpful=in_transaction(request, lambda s: my_vote(s, slug, reader)))

    @router.put(
        "/articles/{slug}/vote", response_model=VoteCount,
        summary="Was it helpful? (voting again changes the answer)",
    )  # fmt: skip
    def put_vote(request: Request, viewer: Viewer, slug: Slug, body: VoteAsked) -> VoteCount:
        _count_feedback(request)
        reader, now = _reader(viewer), datetime.now(UTC)
        return in_transaction(request, lambda s: vote(s, slug, reader, now, helpful=body.helpful))

    @router.post(
        "/articles/{slug}/comments", status_code=204, response_class=Response,
        summary="A note to the team about the article (never shown to readers)",
    )  # fmt: skip
    def post_comment(request: Request, viewer: Viewer, slug: Slug, body: CommentAsked) -> None:
        _count_feedback(request)
        reader, locale = _reader(viewer), portal_locale(request)
        in_transaction(request, lambda s: comment(s, slug, body.body, reader, locale))

    return router
