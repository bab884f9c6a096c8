"""What community managers do: spaces; pin, lock, move, hide and delete; the queue of
reports; and a request posted in the community made a need (要望) in one click.

Who may (kasasu.domain.permissions' roles, checked by the pages and the API): a community
manager is a Kasasu user whose role may write (CSM, CS leader, administrator): pin, lock,
move, hide, accept answers, answer officially, resolve reports, make needs. Deleting a
thread or reply and managing spaces takes the delete right (CS leader, administrator).
Viewers read only.
"""

from __future__ import annotations

from datetime import datetime
from math import ceil

from sqlalchemy.orm import Session

from kasasu.community.indexing import index_post, plain, unindex_post
from kasasu.community.repository import CommunityRepository
from kasasu.community.schemas import (
    Moderation,
    NeedMade,
    ReportRow,
    SpaceCreate,
    SpaceUpdate,
)
from kasasu.domain.choices import RequestSource
from kasasu.domain.permissions import Action
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.markdown import plain_excerpt
from kasasu.models import CommunityPost, CommunityReply, CommunitySpace
from kasasu.needs.requests import FeedbackCreate, feedback
from kasasu.needs.schemas import NeedCreate
from kasasu.needs.service import create_need

MODERATE = Action.WRITE  # pin, lock, move, hide, accept, answer, reports, needs
REMOVE = Action.DELETE  # delete threads and replies; manage spaces
REPORT_PAGE = 50


def create_space(session: Session, data: SpaceCreate) -> int:
    repo = CommunityRepository(session)
    if repo.space_by_slug(data.slug) is not None:
        reason = _("This slug is taken")
        raise InvalidInput(reason, [FieldError(("body", "slug"), reason, data.slug)])
    return int(repo.add(CommunitySpace(**data.model_dump())).id)


def update_space(session: Session, space_id: int, data: SpaceUpdate) -> None:
    space = _space(session, space_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None or name.startswith("description"):
            setattr(space, name, value)
    session.flush()


def delete_space(session: Session, space_id: int) -> None:
    """Remove an empty space (threads must be moved or deleted first)."""
    repo = CommunityRepository(session)
    space = _space(session, space_id)
    if repo.space_has_posts(space_id):
        raise Conflict(_("The space still has threads: move or delete them first"))
    repo.delete(space)


def _space(session: Session, space_id: int) -> CommunitySpace:
    space = CommunityRepository(session).space(space_id)
    if space is None:
        raise NotFound(_("Space {id} does not exist", id=space_id))
    return space


def _post(session: Session, post_id: int) -> CommunityPost:
    post = CommunityRepository(session).post(post_id)
    if post is None:
        raise NotFound(_("Post {id} does not exist", id=post_id))
    return post


def _reply(session: Session, reply_id: int) -> CommunityReply:
    reply = CommunityRepository(session).reply(reply_id)
    if reply is None:
        raise NotFound(_("Reply {id} does not exist", id=reply_id))
    return reply


def moderate(
    session: Session, post_id: int, change: Moderation, now: datetime, user_id: int | None
) -> None:
    """Pin, lock, move or hide (or undo) a thread; hiding it closes its open reports and
    takes it out of the customers' search."""
    post = _post(session, post_id)
    if change.space_id is not None:
        _space(session, change.space_id)
        post.space_id = change.space_id
    for name in ("pinned", "locked", "hidden"):
        value = getattr(change, name)
        if value is not None:
            setattr(post, name, value)
    if change.hidden:
        CommunityRepository(session).resolve_reports(f"post:{post_id}", now, user_id, "hidden")
    session.flush()
    index_post(session, post)


def hide_reply(
    session: Session, reply_id: int, now: datetime, user_id: int | None, *, hidden: bool = True
) -> int:
    """Hide (or show again) a reply; returns its thread's id."""
    reply = _reply(session, reply_id)
    reply.hidden = hidden
    if hidden:
        reply.accepted = False
        CommunityRepository(session).resolve_reports(f"reply:{reply_id}", now, user_id, "hidden")
    session.flush()
    post = _post(session, reply.post_id)
    index_post(session, post)
    return int(post.id)


def delete_post(session: Session, post_id: int) -> None:
    """Delete a thread with its replies, reactions, follows and reports, and its search
    entry."""
    repo = CommunityRepository(session)
    repo.delete(_post(session, post_id))
    unindex_post(session, post_id)


def delete_reply(session: Session, reply_id: int) -> int:
    """Delete a reply (with the comments under it); returns its thread's id."""
    reply = _reply(session, reply_id)
    post_id = int(reply.post_id)
    CommunityRepository(session).delete(reply)
    index_post(session, _post(session, post_id))
    return post_id


def list_reports(
    session: Session, *, open_only: bool = True, page: int = 1
) -> tuple[list[ReportRow], int, int]:
    """A page of reports, newest first: (rows, total, pages)."""
    page = max(1, page)
    total, rows = CommunityRepository(session).reports(
        open_only=open_only, limit=REPORT_PAGE, offset=(page - 1) * REPORT_PAGE
    )
    shown = [
        ReportRow(
            id=q.id, post_id=p.id, reply_id=q.reply_id, title=p.title,
            excerpt=plain_excerpt(r.body if r is not None else p.body, 200),
            reason=q.reason, note=q.note, reporter=reporter, created_at=q.created_at,
            resolved_at=q.resolved_at, outcome=q.outcome,
            hidden=(r.hidden if r is not None else p.hidden),
        )
        for q, p, r, reporter in rows
    ]  # fmt: skip
    return shown, total, max(1, ceil(total / REPORT_PAGE))


def resolve_report(
    session: Session, report_id: int, *, hide: bool, now: datetime, user_id: int | None
) -> None:
    """Hide what the report names (closing every report of it) or dismiss the report(s)."""
    found = CommunityRepository(session).report(report_id)
    if found is None:
        raise NotFound(_("Report {id} does not exist", id=report_id))
    if not hide:
        CommunityRepository(session).resolve_reports(found.target, now, user_id, "dismissed")
    elif found.reply_id is not None:
        hide_reply(session, found.reply_id, now, user_id)
    else:
        moderate(session, found.post_id, Moderation(hidden=True), now, user_id)
    session.flush()


def make_need(session: Session, post_id: int) -> NeedMade:
    """The post as a request (要望) of its author's company, grouped under a new need of
    the same title; the request's source is the post (RequestSource.COMMUNITY_POST), and
    the post keeps the need. A second click gives the same need."""
    post = _post(session, post_id)
    if post.account_id is None:
        raise InvalidInput(_("Only a customer's post can become a need"))
    if post.need_id is not None:
        return NeedMade(need_id=post.need_id, request_id=0, created=False)
    request = feedback.create(
        session,
        FeedbackCreate(account_id=post.account_id, title=post.title[:500],
                       body=plain(post.body)[:100_000], source_kind=RequestSource.COMMUNITY_POST,
                       source_id=post.id),
    )  # fmt: skip
    need = create_need(session, NeedCreate(title=post.title[:500], requests=[request.id]))
    post.need_id = need.id
    session.flush()
    return NeedMade(need_id=need.id, request_id=request.id, created=True)
