"""The community in the portal API, for the signed-in contact: what the portal's community
pages read and do (kasasu.web.community_portal), as JSON, through the same services. The
community is shared by every customer; a hidden thread is a 404 like one that does not
exist, and an author's company is never shown. Threads and replies pass the same flood and
link limits as the pages' (one CommunityGuard for both, from create_app); the emails to the
members a post mentions go once the write has committed, as the pages send them. Every
write needs the X-CSRF-Token header (kasasu.api.portal_session)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.api.community import Accepted
from kasasu.api.context import context, in_transaction
from kasasu.api.portal_session import SIGNED_IN, Viewer, portal_locale
from kasasu.api.routing import PathId, api_router
from kasasu.community.config import CommunityGuard, CommunityMail
from kasasu.community.members import follow, set_digest, unfollow
from kasasu.community.posting import (
    Written,
    accept_answer,
    create_post,
    create_reply,
    react,
    report,
)
from kasasu.community.reading import (
    followed,
    get_space,
    get_thread,
    list_posts,
    list_spaces,
    search_posts,
)
from kasasu.community.schemas import (
    Followed,
    PostCreate,
    PostPage,
    Reaction,
    ReplyCreate,
    ReplyShown,
    ReportCreate,
    SpaceRead,
    Thread,
    Writer,
)
from kasasu.fulltext.schemas import SearchResults
from kasasu.kit.types import INPUT_CONFIG, RowId

Page = Annotated[int, Query(ge=1, le=100_000)]


class ReactionAsked(BaseModel):
    model_config = INPUT_CONFIG
    reaction: Reaction
    reply_id: RowId | None = Field(default=None, description="A reply of the thread; none: it")


class ReactionGiven(BaseModel):
    reaction: Reaction | None = Field(description="The reader's reaction now; none: taken back")


class ReportAsked(ReportCreate):
    reply_id: RowId | None = Field(default=None, description="A reply of the thread; none: it")


class DigestAsked(BaseModel):
    model_config = INPUT_CONFIG
    wanted: bool = Field(description="Whether the daily digest of what one follows is emailed")


def _writer(request: Request, viewer: Viewer) -> Writer:
    return Writer(viewer.contact_id, viewer.account_id, viewer.name, portal_locale(request))


def _guard(request: Request) -> CommunityGuard:
    return context(request).community.guard


def _mail(request: Request) -> CommunityMail | None:
    portal = context(request).portal
    return CommunityMail(portal.mail, portal.base_url) if portal is not None else None


def _sent(background: BackgroundTasks, written: Written) -> None:
    if written.deliver is not None:  # the mentions' emails, once the write is committed
        background.add_task(written.deliver)


def _reply_in(thread: Thread, reply_id: int) -> ReplyShown:
    replies = [*thread.answers, *thread.comments]
    replies += [c for r in replies for c in r.comments]
    return next(r for r in replies if r.id == reply_id)


def portal_community_router() -> APIRouter:  # noqa: PLR0915 - one route per function below
    router = api_router(prefix="/community", tags=["community"], dependencies=SIGNED_IN)

    @router.get("/spaces", response_model=list[SpaceRead], summary="The community's spaces")
    def spaces(request: Request) -> list[SpaceRead]:
        locale = portal_locale(request)
        return in_transaction(request, lambda s: list_spaces(s, locale))

    @router.get("/spaces/{space_id}", response_model=SpaceRead, summary="One space")
    def space(request: Request, space_id: PathId) -> SpaceRead:
        locale = portal_locale(request)
        return in_transaction(request, lambda s: get_space(s, space_id, locale))

    @router.get("/posts", response_model=PostPage, summary="Threads, latest activity first")
    def posts(
        request: Request,
        space_id: Annotated[int | None, Query(ge=1)] = None,
        unanswered: bool = False,
        page: Page = 1,
    ) -> PostPage:
        """Of one space (pinned first), or every space; ``unanswered``: the questions
        nobody else answered, oldest first."""
        locale = portal_locale(request)

        def work(s: Session) -> PostPage:
            if space_id is not None:
                get_space(s, space_id, locale)  # an unknown space is a 404, not an empty page
            return list_posts(s, locale, space_id=space_id, unanswered=unanswered, page=page)

        return in_transaction(request, work)

    @router.post("/posts", response_model=Thread, status_code=201, summary="Start a thread")
    def post_new(
        request: Request, viewer: Viewer, background: BackgroundTasks, body: PostCreate
    ) -> Thread:
        """The writer follows it; past the flood limit, 429 with Retry-After."""
        writer, now = _writer(request, viewer), datetime.now(UTC)
        guard, mail = _guard(request), _mail(request)

        def work(s: Session) -> tuple[Written, Thread]:
            written = create_post(s, writer, body, now, guard=guard, mail=mail)
            thread = get_thread(s, written.post_id, writer.locale, contact_id=writer.contact_id)
            return written, thread

        written, thread = in_transaction(request, work)
        _sent(background, written)
        return thread

    @router.get("/posts/{post_id}", response_model=Thread, summary="A thread and its replies")
    def one_thread(request: Request, viewer: Viewer, post_id: PathId) -> Thread:
        locale, contact = portal_locale(request), viewer.contact_id
        return in_transaction(request, lambda s: get_thread(s, post_id, locale, contact_id=contact))

    @router.post(
        "/posts/{post_id}/replies", response_model=ReplyShown, status_code=201,
        summary="Answer a question, or comment on a thread or an answer",
    )  # fmt: skip
    def post_reply(
        request: Request, viewer: Viewer, background: BackgroundTasks, post_id: PathId,
        body: ReplyCreate,
    ) -> ReplyShown:  # fmt: skip
        writer, now = _writer(request, viewer), datetime.now(UTC)
        guard, mail = _guard(request), _mail(request)

        def work(s: Session) -> tuple[Written, ReplyShown]:
            written = create_reply(s, writer, post_id, body, now, guard=guard, mail=mail)
            thread = get_thread(s, post_id, writer.locale, contact_id=writer.contact_id)
            return written, _reply_in(thread, written.reply_id or 0)

        written, shown = in_transaction(request, work)
        _sent(background, written)
        return shown

    @router.post(
        "/posts/{post_id}/reactions", response_model=ReactionGiven,
        summary="React to the thread or a reply (the same again takes it back)",
    )  # fmt: skip
    def post_react(
        request: Request, viewer: Viewer, post_id: PathId, body: ReactionAsked
    ) -> ReactionGiven:
        writer = _writer(request, viewer)
        given = in_transaction(
            request, lambda s: react(s, writer, body.reaction, post_id=post_id,
                                     reply_id=body.reply_id),
        )  # fmt: skip
        return ReactionGiven.model_validate({"reaction": given})

    @router.post(
        "/replies/{reply_id}/accept", response_model=Accepted,
        summary="Accept an answer to one's own question (again: take it back)",
    )  # fmt: skip
    def post_accept(request: Request, viewer: Viewer, reply_id: PathId) -> Accepted:
        contact = viewer.contact_id
        done = in_transaction(request, lambda s: accept_answer(s, reply_id, contact_id=contact))
        return Accepted(accepted=done)

    @router.post(
        "/posts/{post_id}/reports", status_code=204, response_class=Response,
        summary="Report the thread or a reply to the moderators",
    )  # fmt: skip
    def post_report(request: Request, viewer: Viewer, post_id: PathId, body: ReportAsked) -> None:
        writer = _writer(request, viewer)
        data = ReportCreate(reason=body.reason, note=body.note)
        in_transaction(
            request, lambda s: report(s, writer, data, post_id=post_id, reply_id=body.reply_id)
        )

    @router.put("/posts/{post_id}/follow", status_code=204, response_class=Response,
                summary="Follow a thread")  # fmt: skip
    def follow_post(request: Request, viewer: Viewer, post_id: PathId) -> None:
        in_transaction(request, lambda s: follow(s, viewer.contact_id, post_id=post_id))

    @router.delete("/posts/{post_id}/follow", status_code=204, response_class=Response,
                   summary="Stop following it")  # fmt: skip
    def unfollow_post(request: Request, viewer: Viewer, post_id: PathId) -> None:
        in_transaction(request, lambda s: unfollow(s, viewer.contact_id, post_id=post_id))

    @router.put("/spaces/{space_id}/follow", status_code=204, response_class=Response,
                summary="Follow a space")  # fmt: skip
    def follow_space(request: Request, viewer: Viewer, space_id: PathId) -> None:
        in_transaction(request, lambda s: follow(s, viewer.contact_id, space_id=space_id))

    @router.delete("/spaces/{space_id}/follow", status_code=204, response_class=Response,
                   summary="Stop following it")  # fmt: skip
    def unfollow_space(request: Request, viewer: Viewer, space_id: PathId) -> None:
        in_transaction(request, lambda s: unfollow(s, viewer.contact_id, space_id=space_id))

    @router.get("/search", response_model=SearchResults, summary="Threads holding every word")
    def search(
        request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
        page: Page = 1,
    ) -> SearchResults:  # fmt: skip
        """Best first, in Japanese by its words' base forms; ``ref_id`` is the thread's id."""
        locale = portal_locale(request)
        return in_transaction(request, lambda s: search_posts(s, q, locale, page=page))

    @router.get("/followed", response_model=Followed, summary="The spaces and threads one follows")
    def followed_by_me(request: Request, viewer: Viewer) -> Followed:
        locale = portal_locale(request)
        return in_transaction(request, lambda s: followed(s, viewer.contact_id, locale))

    @router.put("/digest", status_code=204, response_class=Response,
                summary="Whether the daily digest is emailed")  # fmt: skip
    def put_digest(request: Request, viewer: Viewer, body: DigestAsked) -> None:
        writer = _writer(request, viewer)
        in_transaction(request, lambda s: set_digest(s, writer, wanted=body.wanted))

    return router
