"""The community's statistics, the playbooks' facts and the digests' activity: queries over
a window of time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, delete, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from kasasu.community.repository import answered_by_other
from kasasu.domain.community import ANSWER, QUESTION
from kasasu.models import (
    Account,
    CommunityDigest,
    CommunityFollow,
    CommunityMember,
    CommunityPost,
    CommunityReaction,
    CommunityReply,
    Contact,
)

P, R, X = CommunityPost, CommunityReply, CommunityReaction


class CommunityStatsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def active_members(self, start: datetime, end: datetime) -> int:
        """Distinct contacts who wrote a thread or reply, or reacted, in [start, end)."""
        parts = union_all(
            select(P.author_contact_id.label("c")).where(P.created_at >= start, P.created_at < end),
            select(R.author_contact_id.label("c")).where(R.created_at >= start, R.created_at < end),
            select(X.contact_id.label("c")).where(X.created_at >= start, X.created_at < end),
        ).subquery()
        stmt = select(func.count(func.distinct(parts.c.c))).where(parts.c.c.is_not(None))
        return int(self.session.scalar(stmt) or 0)

    def counts(self, start: datetime, end: datetime) -> tuple[int, int, int, int]:
        """(threads, replies, questions, questions answered by someone else) in the window
        (hidden ones not counted)."""
        in_window = [P.created_at >= start, P.created_at < end, P.hidden.is_(False)]
        posts = self.session.scalar(select(func.count()).select_from(P).where(*in_window))
        replies = self.session.scalar(
            select(func.count())
            .select_from(R)
            .where(R.created_at >= start, R.created_at < end, R.hidden.is_(False))
        )
        asked = [*in_window, P.kind == QUESTION]
        questions = self.session.scalar(select(func.count()).select_from(P).where(*asked))
        answered = self.session.scalar(
            select(func.count()).select_from(P).where(*asked, answered_by_other())
        )
        return int(posts or 0), int(replies or 0), int(questions or 0), int(answered or 0)

    def first_answer_delays(
        self, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """(asked, first answered by someone else) of the window's answered questions."""
        first = (
            select(R.post_id, func.min(R.created_at).label("at"))
            .join(P, P.id == R.post_id)
            .where(R.kind == ANSWER, R.hidden.is_(False), _by_other())
            .group_by(R.post_id)
            .subquery()
        )
        stmt = (
            select(P.created_at, first.c.at)
            .join(first, first.c.post_id == P.id)
            .where(P.created_at >= start, P.created_at < end, P.hidden.is_(False),
                   P.kind == QUESTION)
        )  # fmt: skip
        return [(a, b) for a, b in self.session.execute(stmt)]

    def contributions(self, start: datetime, end: datetime) -> list[Any]:
        """Per contact: (contact, name, account id, account name, threads, answers,
        comments, accepted answers, reactions given) in the window, hidden content not
        counted."""
        parts = union_all(
            _part(P.author_contact_id, P.created_at, start, end, P.hidden, post=1),
            _part(R.author_contact_id, R.created_at, start, end, R.hidden,
                  answer=(R.kind == ANSWER), comment=(R.kind != ANSWER), accepted=R.accepted),
            _part(X.contact_id, X.created_at, start, end, None, reaction=1),
        ).subquery()  # fmt: skip
        c = parts.c
        stmt = (
            select(c.contact_id, Contact.name, Account.id, Account.name,
                   func.sum(c.post), func.sum(c.answer), func.sum(c.comment),
                   func.sum(c.accepted), func.sum(c.reaction))
            .join(Contact, Contact.id == c.contact_id)
            .join(Account, Account.id == Contact.account_id)
            .group_by(c.contact_id, Contact.name, Account.id, Account.name)
        )  # fmt: skip
        return list(self.session.execute(stmt))

    def unanswered(self, asked_before: datetime, asked_from: datetime) -> list[Any]:
        """(account, post, asker, title) of visible questions by customers asked in
        [asked_from, asked_before) without an answer by someone else."""
        stmt = select(P.account_id, P.id, P.author_contact_id, P.title).where(
            P.kind == QUESTION, P.hidden.is_(False), P.account_id.is_not(None),
            P.created_at >= asked_from, P.created_at < asked_before, ~answered_by_other(),
        )  # fmt: skip
        return list(self.session.execute(stmt.order_by(P.id)))

    def first_posts(self, start: datetime, end: datetime) -> list[Any]:
        """(account, contact, post, title) of contacts whose first thread was in the window."""
        ranked = (
            select(P.id, P.account_id, P.author_contact_id, P.title, P.created_at,
                   func.row_number().over(partition_by=P.author_contact_id,
                                          order_by=(P.created_at, P.id)).label("nth"))
            .where(P.author_contact_id.is_not(None))
            .subquery()
        )  # fmt: skip
        stmt = select(ranked.c.account_id, ranked.c.author_contact_id, ranked.c.id,
                      ranked.c.title).where(ranked.c.nth == 1, ranked.c.created_at >= start,
                                            ranked.c.created_at < end,
                                            ranked.c.account_id.is_not(None))  # fmt: skip
        return list(self.session.execute(stmt.order_by(ranked.c.id)))

    # Digests
    def digest_readers(self, day: date) -> list[tuple[int, str, str, str]]:
        """(contact, name, email, locale) of members who want the digest, follow something,
        have an email, are still at their company and have not had ``day``'s digest."""
        sent = select(CommunityDigest.contact_id).where(CommunityDigest.day == day)
        follows = select(CommunityFollow.contact_id)
        stmt = (
            select(Contact.id, Contact.name, Contact.email, CommunityMember.locale)
            .join(CommunityMember, CommunityMember.contact_id == Contact.id)
            .where(CommunityMember.digest.is_(True), Contact.email.is_not(None),
                   Contact.left_on.is_(None), Contact.id.in_(follows), Contact.id.not_in(sent))
            .order_by(Contact.id)
        )  # fmt: skip
        return [(a, b, str(c), d) for a, b, c, d in self.session.execute(stmt)]

    def followed_activity(
        self, contact_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str, int, int]]:
        """(post, title, new threads, new replies) in [start, end) the contact follows (the
        thread, or its space), by others, visible; busiest first."""
        follows = select(CommunityFollow.post_id, CommunityFollow.space_id).where(
            CommunityFollow.contact_id == contact_id
        )
        posts = [f.post_id for f in self.session.execute(follows) if f.post_id is not None]
        spaces = [f.space_id for f in self.session.execute(follows) if f.space_id is not None]
        new_posts = select(P.id.label("post_id"), literal(1).label("posts"),
                           literal(0).label("replies")).where(
            P.space_id.in_(spaces), P.created_at >= start, P.created_at < end,
            P.hidden.is_(False), or_(P.author_contact_id.is_(None),
                                     P.author_contact_id != contact_id))  # fmt: skip
        new_replies = select(R.post_id, literal(0), literal(1)).join(P, P.id == R.post_id).where(
            or_(R.post_id.in_(posts), P.space_id.in_(spaces)), R.created_at >= start,
            R.created_at < end, R.hidden.is_(False), P.hidden.is_(False),
            or_(R.author_contact_id.is_(None), R.author_contact_id != contact_id))  # fmt: skip
        both = union_all(new_posts, new_replies).subquery()
        stmt = (
            select(P.id, P.title, func.sum(both.c.posts), func.sum(both.c.replies))
            .join(both, both.c.post_id == P.id)
            .group_by(P.id, P.title)
            .order_by(func.sum(both.c.replies).desc(), P.id)
        )
        return [(a, b, int(c), int(d)) for a, b, c, d in self.session.execute(stmt)]

    def record_digest(self, contact_id: int, day: date, now: datetime) -> None:
        """Insert the record; the unique key (contact, day) fails a second one."""
        self.session.add(CommunityDigest(contact_id=contact_id, day=day, sent_at=now))
        self.session.flush()

    def forget_digest(self, contact_id: int, day: date) -> None:
        self.session.execute(
            delete(CommunityDigest).where(
                CommunityDigest.contact_id == contact_id, CommunityDigest.day == day
            )
        )

    def digests_on(self, day: date) -> Sequence[int]:
        stmt = select(CommunityDigest.contact_id).where(CommunityDigest.day == day)
        return list(self.session.scalars(stmt))


def _by_other() -> Any:
    return or_(
        P.author_contact_id.is_(None),
        R.author_contact_id.is_(None),
        R.author_contact_id != P.author_contact_id,
    )


def _part(
    contact: Any, at: Any, start: datetime, end: datetime, hidden: Any, **flags: Any
) -> Select[Any]:
    """One source of contributions as (contact_id, post, answer, comment, accepted,
    reaction) columns of 0 or 1."""

    def flag(name: str) -> Any:
        value = flags.get(name, 0)
        if isinstance(value, int):
            return literal(value).label(name)
        return case((value, 1), else_=0).label(name)

    where = [contact.is_not(None), at >= start, at < end]
    if hidden is not None:
        where.append(hidden.is_(False))
    names = ("post", "answer", "comment", "accepted", "reaction")
    return select(contact.label("contact_id"), *(flag(n) for n in names)).where(*where)
