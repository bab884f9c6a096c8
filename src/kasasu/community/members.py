"""Members (a contact's handle, language and digest choice), mentions and following."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kasasu.community.repository import CommunityRepository
from kasasu.community.schemas import Writer
from kasasu.domain.community import handle_candidates, handle_of, mentioned, prefixes
from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.models import CommunityFollow, CommunityMember


@dataclass(frozen=True)
class Mention:
    """A member named with @handle in a post: whom to email, in their language."""

    contact_id: int
    name: str
    email: str
    locale: str


def ensure_member(session: Session, writer: Writer) -> CommunityMember:
    """The writer's membership, made on their first write (a handle from their name, the
    first free one); their language follows the page they write from."""
    repo = CommunityRepository(session)
    member = repo.member(writer.contact_id)
    if member is None:
        base = handle_of(writer.name)
        handle = handle_candidates(base, repo.handles_like(base))
        member = repo.add(
            CommunityMember(contact_id=writer.contact_id, handle=handle, locale=writer.locale)
        )
    elif member.locale != writer.locale:
        member.locale = writer.locale
    return member


def resolve_mentions(session: Session, text: str, author_id: int | None) -> list[Mention]:
    """The members ``text`` mentions (@handle, the longest handle a word begins with), with
    an email, not leaving their company, not the author."""
    words = mentioned(text)
    if not words:
        return []
    candidates = [p for w in words for p in prefixes(w)]
    found = CommunityRepository(session).members_by_handles(candidates)
    by_handle = {m.handle.lower(): (m, c) for m, c in found}
    chosen: dict[int, Mention] = {}
    for word in words:
        hit = next((by_handle[p.lower()] for p in prefixes(word) if p.lower() in by_handle), None)
        if hit is None:
            continue
        member, contact = hit
        if contact.id != author_id and contact.email:
            chosen[contact.id] = Mention(contact.id, contact.name, contact.email, member.locale)
    return list(chosen.values())


def _target(kind: str, ref_id: int) -> str:
    return f"{kind}:{ref_id}"


def follow(session: Session, contact_id: int, *, post_id: int | None = None,
           space_id: int | None = None) -> None:  # fmt: skip
    """Follow a thread or a space (again: nothing changes)."""
    repo = CommunityRepository(session)
    if post_id is not None:
        post = repo.post(post_id)
        if post is None or post.hidden:
            raise NotFound(_("Post {id} does not exist", id=post_id))
    if space_id is not None and repo.space(space_id) is None:
        raise NotFound(_("Space {id} does not exist", id=space_id))
    target = _target("post", post_id) if post_id is not None else _target("space", space_id or 0)
    if repo.follow(contact_id, target) is None:
        repo.add(CommunityFollow(contact_id=contact_id, target=target, post_id=post_id,
                                 space_id=space_id))  # fmt: skip


def unfollow(session: Session, contact_id: int, *, post_id: int | None = None,
             space_id: int | None = None) -> None:  # fmt: skip
    target = _target("post", post_id) if post_id is not None else _target("space", space_id or 0)
    CommunityRepository(session).unfollow(contact_id, target)


def is_following(session: Session, contact_id: int, post_id: int) -> bool:
    return CommunityRepository(session).follow(contact_id, _target("post", post_id)) is not None


def set_digest(session: Session, writer: Writer, *, wanted: bool) -> None:
    """Whether the member gets the daily digest of what they follow."""
    ensure_member(session, writer).digest = wanted
    session.flush()
