"""What readers see: spaces, thread lists, a thread with its answers and comments, search
and what a contact follows. ``staff`` views show hidden content and the authors'
companies; a contact's never do (a company's name is its own business)."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import Any

from sqlalchemy.orm import Session

from kasasu.community.indexing import KIND
from kasasu.community.repository import CommunityRepository
from kasasu.community.schemas import (
    Author,
    Followed,
    PostPage,
    PostRow,
    ReplyShown,
    SpaceRead,
    Thread,
)
from kasasu.domain.community import ANSWER
from kasasu.errors import NotFound
from kasasu.fulltext.schemas import SearchResults
from kasasu.fulltext.service import search
from kasasu.kit.i18n import _
from kasasu.kit.markdown import plain_excerpt, render_markdown
from kasasu.models import CommunityPost, CommunityReply, CommunitySpace

PAGE_SIZE = 20
STAFF = _("CS team")


def _space(space: CommunitySpace, posts: int, locale: str) -> SpaceRead:
    ja = locale == "ja"
    return SpaceRead(
        id=space.id, slug=space.slug, name=space.name_ja if ja else space.name_en,
        name_ja=space.name_ja, name_en=space.name_en,
        description=(space.description_ja if ja else space.description_en)
        or space.description_ja or space.description_en,
        position=space.position, posts=posts,
    )  # fmt: skip


def list_spaces(session: Session, locale: str, *, staff: bool = False) -> list[SpaceRead]:
    rows = CommunityRepository(session).spaces(listed_only=not staff)
    return [_space(s, n, locale) for s, n in rows]


def get_space(session: Session, space_id: int, locale: str, *, staff: bool = False) -> SpaceRead:
    found = next((s for s in list_spaces(session, locale, staff=staff) if s.id == space_id), None)
    if found is None:
        raise NotFound(_("Space {id} does not exist", id=space_id))
    return found


class _Authors:
    """Names of the authors of a page's posts and replies, read in one query each."""

    def __init__(self, session: Session, rows: Sequence[Any], locale: str, staff: bool) -> None:
        contacts = [r.author_contact_id for r in rows if r.author_contact_id is not None]
        users = [r.author_user_id for r in rows if r.author_user_id is not None]
        self.contacts, self.users = CommunityRepository(session).authors(contacts, users)
        self.locale, self.staff = locale, staff

    def of(self, row: CommunityPost | CommunityReply) -> Author:
        if row.author_contact_id is not None and row.author_contact_id in self.contacts:
            name, handle, account_id, account = self.contacts[row.author_contact_id]
            extra = ({"contact_id": row.author_contact_id, "account_id": account_id,
                      "account": account} if self.staff else {})  # fmt: skip
            return Author(name=name, handle=handle, staff=False, **extra)
        if row.author_user_id is not None:
            name = self.users.get(row.author_user_id, STAFF.render(self.locale))
            return Author(name=f"{name} ({STAFF.render(self.locale)})", handle=None, staff=True)
        return Author(name=_("Former member").render(self.locale), handle=None, staff=False)


def _rows(session: Session, found: Sequence[Any], locale: str, *, staff: bool) -> list[PostRow]:
    authors = _Authors(session, [r[0] for r in found], locale, staff)
    return [
        PostRow(
            id=p.id, space_id=p.space_id, space=space.name_ja if locale == "ja" else space.name_en,
            kind=p.kind, title=p.title, excerpt=plain_excerpt(p.body, 160), language=p.language,
            author=authors.of(p), created_at=p.created_at, last_activity_at=p.last_activity_at,
            answers=int(answers), replies=int(replies), answered=bool(answered),
            accepted=bool(accepted), pinned=p.pinned, locked=p.locked, hidden=p.hidden,
        )
        for p, answers, replies, accepted, answered, space in found
    ]  # fmt: skip


def list_posts(
    session: Session, locale: str, *, space_id: int | None = None, unanswered: bool = False,
    page: int = 1, staff: bool = False, size: int = PAGE_SIZE,
) -> PostPage:  # fmt: skip
    """A page of threads (of a space; or the unanswered questions, oldest first)."""
    page = max(1, page)
    total, found = CommunityRepository(session).post_rows(
        space_id=space_id, unanswered=unanswered, listed_only=not staff,
        pinned_first=space_id is not None, limit=size, offset=(page - 1) * size,
    )  # fmt: skip
    return PostPage(items=_rows(session, found, locale, staff=staff), total=total, page=page,
                    pages=max(1, ceil(total / size)))  # fmt: skip


def _reply(reply: CommunityReply, authors: _Authors, counts: dict[str, dict[str, int]],
           mine: dict[str, str]) -> ReplyShown:  # fmt: skip
    target = f"reply:{reply.id}"
    return ReplyShown(
        id=reply.id, kind=reply.kind, parent_id=reply.parent_id, html=render_markdown(reply.body),
        author=authors.of(reply), created_at=reply.created_at, accepted=reply.accepted,
        hidden=reply.hidden, reactions=counts.get(target, {}), mine=mine.get(target),
    )  # fmt: skip


def get_thread(
    session: Session, post_id: int, locale: str, *, contact_id: int | None = None,
    staff: bool = False,
) -> Thread:  # fmt: skip
    """The thread with its answers (accepted first, then oldest first), each with its
    comments, and the comments on the post; for a contact, what they reacted and follow."""
    repo = CommunityRepository(session)
    row = repo.post_row(post_id)
    if row is None or (row[0].hidden and not staff):
        raise NotFound(_("Post {id} does not exist", id=post_id))
    post: CommunityPost = row[0]
    replies = repo.replies(post_id, listed_only=not staff)
    authors = _Authors(session, [post, *replies], locale, staff)
    counts = repo.reaction_counts(post_id)
    mine = repo.reactions_of(post_id, contact_id) if contact_id is not None else {}
    shown = {r.id: _reply(r, authors, counts, mine) for r in replies}
    for r in replies:
        if r.parent_id is not None and r.parent_id in shown:
            shown[r.parent_id].comments.append(shown[r.id])
    top = [shown[r.id] for r in replies if r.parent_id is None]
    answers = sorted((r for r in top if r.kind == ANSWER), key=lambda r: not r.accepted)
    following = contact_id is not None and repo.follow(contact_id, f"post:{post_id}") is not None
    return Thread(
        post=_rows(session, [row], locale, staff=staff)[0], html=render_markdown(post.body),
        body=post.body, reactions=counts.get(f"post:{post_id}", {}),
        mine=mine.get(f"post:{post_id}"), answers=answers,
        comments=[r for r in top if r.kind != ANSWER], following=following,
        can_accept=staff or (contact_id is not None and contact_id == post.author_contact_id),
        need_id=post.need_id if staff else None,
    )  # fmt: skip


def search_posts(
    session: Session, query: str, locale: str, *, staff: bool = False, page: int = 1
) -> SearchResults:
    """Threads holding every word of ``query`` (hidden ones for staff only), best first."""
    page = max(1, page)
    return search(session, KIND, query, language=locale, listed_only=not staff,
                  limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)  # fmt: skip


def followed(session: Session, contact_id: int, locale: str) -> Followed:
    """The spaces and visible threads the contact follows (every one of them)."""
    repo = CommunityRepository(session)
    follows = repo.follows_of(contact_id)
    space_ids = {f.space_id for f in follows if f.space_id is not None}
    spaces = [s for s in list_spaces(session, locale) if s.id in space_ids]
    post_ids = [f.post_id for f in follows if f.post_id is not None]
    _total, found = repo.post_rows(ids=post_ids, limit=max(1, len(post_ids)))
    member = repo.member(contact_id)
    return Followed(spaces=spaces, posts=_rows(session, found, locale, staff=False),
                    digest=member is None or member.digest)  # fmt: skip
