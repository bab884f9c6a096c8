"""Threads in the shared full-text search (kind "post"): the title, and the visible words
of the post and of its visible replies, so a thread is found by what its answers say too.
A hidden thread stays indexed but unlisted (staff still find it); a deleted one goes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kasasu.community.repository import CommunityRepository
from kasasu.fulltext.service import index_document, remove_document
from kasasu.kit.markdown import plain_excerpt
from kasasu.models import CommunityPost

KIND = "post"
WHOLE = 1_000_000  # plain_excerpt's length that keeps every word of a post


def plain(markdown: str) -> str:
    """What a reader sees of ``markdown``, as plain text."""
    return plain_excerpt(markdown, WHOLE)


def index_post(session: Session, post: CommunityPost) -> None:
    """(Re)index the thread in its language, listed unless hidden."""
    replies = CommunityRepository(session).thread_text(post.id)
    body = "\n".join([plain(post.body), *(plain(r) for r in replies)])
    index_document(session, KIND, post.id, language=post.language, title=post.title, body=body,
                   listed=not post.hidden)  # fmt: skip


def unindex_post(session: Session, post_id: int) -> None:
    remove_document(session, KIND, post_id)
