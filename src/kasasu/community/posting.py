"""What contacts write: threads, answers and comments (checked against the flood and link
limits first), reactions, accepted answers and reports. Each write that mentions members
returns how to email them; the caller sends after its transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kasasu.activities.schemas import ActivityCreate
from kasasu.activities.service import activities
from kasasu.community.config import CommunityGuard, CommunityMail
from kasasu.community.indexing import index_post
from kasasu.community.members import Mention, ensure_member, follow, resolve_mentions
from kasasu.community.repository import CommunityRepository
from kasasu.community.schemas import PostCreate, ReplyCreate, ReportCreate, Writer
from kasasu.domain.choices import ActivityKind
from kasasu.domain.community import ANSWER, COMMENT, QUESTION, count_links, language_of
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from kasasu.kit.i18n import _
from kasasu.kit.mail import DeliveryError, send_email
from kasasu.models import CommunityPost, CommunityReaction, CommunityReply, CommunityReport

Deliver = Callable[[], int]


@dataclass(frozen=True)
class Written:
    """A thread or reply written: its ids, and the mention emails to send after commit."""

    post_id: int
    reply_id: int | None = None
    deliver: Deliver | None = None


def visible_post(session: Session, post_id: int) -> CommunityPost:
    """The thread, for a contact: a hidden one is as missing as one that never was."""
    post = CommunityRepository(session).post(post_id)
    if post is None or post.hidden:
        raise NotFound(_("Post {id} does not exist", id=post_id))
    return post


def _visible_reply(session: Session, reply_id: int) -> CommunityReply:
    reply = CommunityRepository(session).reply(reply_id)
    if reply is None or reply.hidden:
        raise NotFound(_("Reply {id} does not exist", id=reply_id))
    visible_post(session, reply.post_id)
    return reply


def create_post(
    session: Session, writer: Writer, data: PostCreate, now: datetime, *,
    guard: CommunityGuard, mail: CommunityMail | None = None,
) -> Written:  # fmt: skip
    """A new thread by ``writer``, who follows it; findable at once."""
    guard.check(writer.contact_id, count_links(data.title) + count_links(data.body))
    repo = CommunityRepository(session)
    if repo.space(data.space_id) is None:
        reason = _("No such space")
        raise InvalidInput(reason, [FieldError(("body", "space_id"), reason, data.space_id)])
    ensure_member(session, writer)
    post = repo.add(
        CommunityPost(
            space_id=data.space_id, kind=data.kind, title=data.title, body=data.body,
            language=language_of(data.title + data.body), author_contact_id=writer.contact_id,
            account_id=writer.account_id, last_activity_at=now, created_at=now, updated_at=now,
        )
    )  # fmt: skip
    follow(session, writer.contact_id, post_id=post.id)
    index_post(session, post)
    activities.create(
        session,
        ActivityCreate(external_id=f"community-post:{post.id}", account_id=writer.account_id,
                       contact_id=writer.contact_id, kind=ActivityKind.COMMUNITY_POST,
                       subject=data.title[:500], occurred_at=now),
    )  # fmt: skip
    mentions = resolve_mentions(session, data.body, writer.contact_id)
    return Written(post.id, None, _mailer(mail, mentions, writer.name, post, f"p{post.id}"))


def create_reply(
    session: Session, writer: Writer, post_id: int, data: ReplyCreate, now: datetime, *,
    guard: CommunityGuard, mail: CommunityMail | None = None,
) -> Written:  # fmt: skip
    """An answer or comment by ``writer`` on a visible, unlocked thread; they follow it."""
    guard.check(writer.contact_id, count_links(data.body))
    post = visible_post(session, post_id)
    ensure_member(session, writer)
    reply = _add_reply(session, post, data, now, contact_id=writer.contact_id,
                       account_id=writer.account_id)  # fmt: skip
    follow(session, writer.contact_id, post_id=post.id)
    mentions = resolve_mentions(session, data.body, writer.contact_id)
    return Written(post.id, reply.id, _mailer(mail, mentions, writer.name, post, f"r{reply.id}"))


def staff_reply(
    session: Session, user_id: int | None, post_id: int, data: ReplyCreate, now: datetime
) -> Written:
    """An official answer or comment by the CS team (no flood limit; a locked or hidden
    thread too)."""
    post = CommunityRepository(session).post(post_id)
    if post is None:
        raise NotFound(_("Post {id} does not exist", id=post_id))
    reply = _add_reply(session, post, data, now, user_id=user_id, staff=True)
    return Written(post.id, reply.id)


def _add_reply(
    session: Session, post: CommunityPost, data: ReplyCreate, now: datetime, *,
    contact_id: int | None = None, account_id: int | None = None, user_id: int | None = None,
    staff: bool = False,
) -> CommunityReply:  # fmt: skip
    if post.locked and not staff:
        raise Conflict(_("This thread is locked: it takes no more replies"))
    _check_reply(session, post, data)
    reply: CommunityReply = CommunityRepository(session).add(
        CommunityReply(
            post_id=post.id, parent_id=data.parent_id, kind=data.kind, body=data.body,
            language=language_of(data.body), author_contact_id=contact_id,
            author_user_id=user_id, account_id=account_id, created_at=now, updated_at=now,
        )
    )  # fmt: skip
    post.last_activity_at = now
    index_post(session, post)
    return reply


def _check_reply(session: Session, post: CommunityPost, data: ReplyCreate) -> None:
    if data.kind == ANSWER and (post.kind != QUESTION or data.parent_id is not None):
        reason = _("Only a question takes answers; comment instead")
        raise InvalidInput(reason, [FieldError(("body", "kind"), reason, data.kind)])
    if data.parent_id is not None:
        parent = CommunityRepository(session).reply(data.parent_id)
        if parent is None or parent.post_id != post.id or parent.parent_id is not None:
            reason = _("Comment on an answer of this thread")
            raise InvalidInput(reason, [FieldError(("body", "parent_id"), reason, data.parent_id)])
        if data.kind != COMMENT:
            reason = _("A reply under an answer is a comment")
            raise InvalidInput(reason, [FieldError(("body", "kind"), reason, data.kind)])


def accept_answer(
    session: Session, reply_id: int, *, contact_id: int | None = None, manager: bool = False
) -> bool:
    """Mark the answer accepted (the only one of its question), or take the mark back when
    it has it; only the asker (``contact_id``) or a community manager may. Returns whether
    it is accepted now."""
    reply = _visible_reply(session, reply_id) if not manager else _any_reply(session, reply_id)
    repo = CommunityRepository(session)
    post = repo.post(reply.post_id)
    if post is None or reply.kind != ANSWER:
        raise InvalidInput(_("Only an answer can be accepted"))
    if not manager and (contact_id is None or post.author_contact_id != contact_id):
        raise PermissionDenied(_("Only the person who asked, or a community manager, may"))
    was = reply.accepted
    repo.clear_accepted(post.id)
    session.refresh(reply)
    reply.accepted = not was
    session.flush()
    return reply.accepted


def post_of_reply(session: Session, reply_id: int) -> int:
    """The thread a reply belongs to."""
    return int(_any_reply(session, reply_id).post_id)


def _any_reply(session: Session, reply_id: int) -> CommunityReply:
    reply = CommunityRepository(session).reply(reply_id)
    if reply is None:
        raise NotFound(_("Reply {id} does not exist", id=reply_id))
    return reply


def react(session: Session, writer: Writer, reaction: str, *, post_id: int,
          reply_id: int | None = None) -> str | None:  # fmt: skip
    """Give ``reaction`` to the post (or its reply); the same again takes it back, another
    replaces it (one per contact and target). Returns the reaction now given, if any."""
    post = visible_post(session, post_id)
    if reply_id is not None and _visible_reply(session, reply_id).post_id != post.id:
        raise NotFound(_("Reply {id} does not exist", id=reply_id))
    repo = CommunityRepository(session)
    target = f"reply:{reply_id}" if reply_id is not None else f"post:{post_id}"
    mine = repo.reaction(target, writer.contact_id)
    if mine is not None and mine.reaction == reaction:
        repo.delete(mine)
        return None
    if mine is not None:
        mine.reaction = reaction
        session.flush()
        return reaction
    repo.add(CommunityReaction(post_id=post.id, reply_id=reply_id, target=target,
                               contact_id=writer.contact_id, account_id=writer.account_id,
                               reaction=reaction))  # fmt: skip
    return reaction


def report(session: Session, writer: Writer, data: ReportCreate, *, post_id: int,
           reply_id: int | None = None) -> int:  # fmt: skip
    """The contact's report of a post or reply, into the moderators' queue (reporting the
    same thing again changes nothing). Returns the report's id."""
    post = visible_post(session, post_id)
    if reply_id is not None and _visible_reply(session, reply_id).post_id != post.id:
        raise NotFound(_("Reply {id} does not exist", id=reply_id))
    repo = CommunityRepository(session)
    target = f"reply:{reply_id}" if reply_id is not None else f"post:{post_id}"
    found = repo.report_of(writer.contact_id, target)
    if found is not None:
        return found.id
    made = repo.add(CommunityReport(post_id=post.id, reply_id=reply_id, target=target,
                                    contact_id=writer.contact_id, reason=data.reason,
                                    note=data.note))  # fmt: skip
    return int(made.id)


def _mailer(
    mail: CommunityMail | None, mentions: list[Mention], author: str, post: CommunityPost,
    ref: str,
) -> Deliver | None:  # fmt: skip
    if mail is None or not mentions:
        return None
    url = f"{mail.base_url.rstrip('/')}/portal/community/posts/{post.id}"
    messages = [
        (
            f"kasasu.community.mention.{ref}.{m.contact_id}",
            {
                "to": [m.email],
                "subject": _("{name} mentioned you in the community", name=author).render(m.locale),
                "body": _(
                    "{name} mentioned you in “{title}”:\n\n{url}",
                    name=author,
                    title=post.title,
                    url=url,
                ).render(m.locale),
                "locale": m.locale,
            },
        )
        for m in mentions
    ]

    def deliver() -> int:
        sent = 0
        for key, payload in messages:
            try:
                send_email(payload, key, mail.mail)
                sent += 1
            except DeliveryError:  # a mention is a courtesy: the post stands without it
                continue
        return sent

    return deliver
