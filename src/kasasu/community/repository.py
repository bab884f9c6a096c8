"""The community's queries: spaces, threads and their replies, reactions, follows, members
and reports. Statistics and the playbooks' facts are in stats_repository.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from kasasu.domain.community import ANSWER, QUESTION
from kasasu.models import (
    Account,
    CommunityFollow,
    CommunityMember,
    CommunityPost,
    CommunityReaction,
    CommunityReply,
    CommunityReport,
    CommunitySpace,
    Contact,
    User,
)

P, R = CommunityPost, CommunityReply


def answered_by_other(post: Any = P) -> ColumnElement[bool]:
    """A visible answer to ``post`` by someone other than its asker (staff answers count)."""
    reply = aliased(CommunityReply)
    return exists().where(
        reply.post_id == post.id,
        reply.kind == ANSWER,
        reply.hidden.is_(False),
        or_(
            post.author_contact_id.is_(None),
            reply.author_contact_id.is_(None),
            reply.author_contact_id != post.author_contact_id,
        ),
    )


def _counts() -> tuple[Any, Any, Any]:
    answers = (
        select(func.count())
        .where(R.post_id == P.id, R.kind == ANSWER, R.hidden.is_(False))
        .scalar_subquery()
    )
    replies = select(func.count()).where(R.post_id == P.id, R.hidden.is_(False)).scalar_subquery()
    accepted = exists().where(R.post_id == P.id, R.accepted.is_(True), R.hidden.is_(False))
    return answers, replies, accepted


class CommunityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Spaces
    def spaces(self, *, listed_only: bool) -> list[tuple[CommunitySpace, int]]:
        visible = [P.space_id == CommunitySpace.id] + ([P.hidden.is_(False)] if listed_only else [])
        count = select(func.count()).where(*visible).scalar_subquery()
        stmt = select(CommunitySpace, count).order_by(CommunitySpace.position, CommunitySpace.id)
        return [(s, int(n)) for s, n in self.session.execute(stmt)]

    def space(self, space_id: int) -> CommunitySpace | None:
        return self.session.get(CommunitySpace, space_id)

    def space_by_slug(self, slug: str) -> CommunitySpace | None:
        stmt = select(CommunitySpace).where(CommunitySpace.slug == slug)
        return self.session.scalars(stmt).one_or_none()

    def space_has_posts(self, space_id: int) -> bool:
        return bool(self.session.scalar(select(exists().where(P.space_id == space_id))))

    def add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self, row: Any) -> None:
        self.session.delete(row)
        self.session.flush()

    # Threads
    def post(self, post_id: int) -> CommunityPost | None:
        return self.session.get(CommunityPost, post_id)

    def reply(self, reply_id: int) -> CommunityReply | None:
        return self.session.get(CommunityReply, reply_id)

    def post_rows(
        self,
        *,
        space_id: int | None = None,
        ids: Sequence[int] | None = None,
        unanswered: bool = False,
        listed_only: bool = True,
        pinned_first: bool = False,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[int, list[Any]]:
        """How many threads match, and a page of them with their counts, latest activity
        first (pinned ones first when asked)."""
        where: list[ColumnElement[bool]] = []
        if space_id is not None:
            where.append(P.space_id == space_id)
        if ids is not None:
            where.append(P.id.in_(list(ids)))
        if listed_only:
            where.append(P.hidden.is_(False))
        if unanswered:
            where += [P.kind == QUESTION, ~answered_by_other()]
        total = int(self.session.scalar(select(func.count()).select_from(P).where(*where)) or 0)
        answers, replies, accepted = _counts()
        order: list[Any] = [P.pinned.desc()] if pinned_first else []
        order += [P.created_at.asc()] if unanswered else [P.last_activity_at.desc()]
        stmt: Select[Any] = (
            select(P, answers, replies, accepted, answered_by_other(), CommunitySpace)
            .join(CommunitySpace, CommunitySpace.id == P.space_id)
            .where(*where)
            .order_by(*order, P.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return total, list(self.session.execute(stmt))

    def post_row(self, post_id: int) -> Any | None:
        _total, rows = self.post_rows(ids=[post_id], listed_only=False, limit=1)
        return rows[0] if rows else None

    def replies(self, post_id: int, *, listed_only: bool) -> list[CommunityReply]:
        stmt = select(R).where(R.post_id == post_id).order_by(R.created_at, R.id)
        if listed_only:
            stmt = stmt.where(R.hidden.is_(False))
        return list(self.session.scalars(stmt))

    def clear_accepted(self, post_id: int) -> None:
        self.session.execute(
            update(R).where(R.post_id == post_id, R.accepted.is_(True)).values(accepted=False)
        )

    def first_post_of(self, contact_id: int) -> int | None:
        """The id of the contact's first thread, if any."""
        stmt = select(P.id).where(P.author_contact_id == contact_id).order_by(P.created_at, P.id)
        return self.session.scalars(stmt.limit(1)).first()

    def writes_since(self, contact_id: int, since: datetime) -> int:
        """Threads and replies the contact wrote from ``since``."""
        posts = select(func.count()).where(P.author_contact_id == contact_id, P.created_at >= since)
        replies = select(func.count()).where(
            R.author_contact_id == contact_id, R.created_at >= since
        )
        return int(self.session.scalar(posts) or 0) + int(self.session.scalar(replies) or 0)

    def thread_text(self, post_id: int) -> list[str]:
        """The visible replies' bodies (Markdown), oldest first: indexed with the thread."""
        stmt = select(R.body).where(R.post_id == post_id, R.hidden.is_(False))
        return list(self.session.scalars(stmt.order_by(R.created_at, R.id)))

    # Reactions
    def reaction(self, target: str, contact_id: int) -> CommunityReaction | None:
        stmt = select(CommunityReaction).where(
            CommunityReaction.target == target, CommunityReaction.contact_id == contact_id
        )
        return self.session.scalars(stmt).one_or_none()

    def reaction_counts(self, post_id: int) -> dict[str, dict[str, int]]:
        """Per target ("post:1", "reply:2"): reaction → how many."""
        c = CommunityReaction
        stmt = (
            select(c.target, c.reaction, func.count())
            .where(c.post_id == post_id)
            .group_by(c.target, c.reaction)
        )
        out: dict[str, dict[str, int]] = {}
        for target, reaction, n in self.session.execute(stmt):
            out.setdefault(target, {})[reaction] = int(n)
        return out

    def reactions_of(self, post_id: int, contact_id: int) -> dict[str, str]:
        c = CommunityReaction
        stmt = select(c.target, c.reaction).where(c.post_id == post_id, c.contact_id == contact_id)
        return {row[0]: row[1] for row in self.session.execute(stmt)}

    # Follows
    def follow(self, contact_id: int, target: str) -> CommunityFollow | None:
        stmt = select(CommunityFollow).where(
            CommunityFollow.contact_id == contact_id, CommunityFollow.target == target
        )
        return self.session.scalars(stmt).one_or_none()

    def follows_of(self, contact_id: int) -> list[CommunityFollow]:
        stmt = select(CommunityFollow).where(CommunityFollow.contact_id == contact_id)
        return list(self.session.scalars(stmt.order_by(CommunityFollow.created_at.desc())))

    def unfollow(self, contact_id: int, target: str) -> None:
        self.session.execute(
            delete(CommunityFollow).where(
                CommunityFollow.contact_id == contact_id, CommunityFollow.target == target
            )
        )

    # Members and authors
    def member(self, contact_id: int) -> CommunityMember | None:
        stmt = select(CommunityMember).where(CommunityMember.contact_id == contact_id)
        return self.session.scalars(stmt).one_or_none()

    def handles_like(self, base: str) -> list[str]:
        """Handles taken that begin with ``base`` (case-insensitively)."""
        pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = select(CommunityMember.handle).where(
            func.lower(CommunityMember.handle).like(pattern.lower(), escape="\\")
        )
        return list(self.session.scalars(stmt))

    def members_by_handles(self, handles: Sequence[str]) -> list[tuple[CommunityMember, Contact]]:
        """Members whose handle is one of ``handles`` (case-insensitively), with their
        contact; those who left their company are not reachable."""
        if not handles:
            return []
        folded = sorted({h.lower() for h in handles})
        stmt = (
            select(CommunityMember, Contact)
            .join(Contact, Contact.id == CommunityMember.contact_id)
            .where(func.lower(CommunityMember.handle).in_(folded), Contact.left_on.is_(None))
        )
        return [(m, c) for m, c in self.session.execute(stmt)]

    def authors(
        self, contact_ids: Sequence[int], user_ids: Sequence[int]
    ) -> tuple[dict[int, tuple[str, str | None, int, str]], dict[int, str]]:
        """Contacts (name, handle, account id, account name) and users (name) by id."""
        contacts: dict[int, tuple[str, str | None, int, str]] = {}
        if contact_ids:
            stmt = (
                select(Contact.id, Contact.name, CommunityMember.handle, Account.id, Account.name)
                .join(Account, Account.id == Contact.account_id)
                .outerjoin(CommunityMember, CommunityMember.contact_id == Contact.id)
                .where(Contact.id.in_(sorted(set(contact_ids))))
            )
            for cid, name, handle, aid, account in self.session.execute(stmt):
                contacts[cid] = (name, handle, aid, account)
        users: dict[int, str] = {}
        if user_ids:
            stmt2 = select(User.id, User.name).where(User.id.in_(sorted(set(user_ids))))
            users = {row[0]: row[1] for row in self.session.execute(stmt2)}
        return contacts, users

    # Reports
    def report(self, report_id: int) -> CommunityReport | None:
        return self.session.get(CommunityReport, report_id)

    def report_of(self, contact_id: int, target: str) -> CommunityReport | None:
        stmt = select(CommunityReport).where(
            CommunityReport.contact_id == contact_id, CommunityReport.target == target
        )
        return self.session.scalars(stmt).one_or_none()

    def reports(
        self, *, open_only: bool, limit: int, offset: int
    ) -> tuple[int, list[tuple[CommunityReport, CommunityPost, CommunityReply | None, str | None]]]:
        q = CommunityReport
        where = [q.resolved_at.is_(None)] if open_only else []
        total = int(self.session.scalar(select(func.count()).select_from(q).where(*where)) or 0)
        stmt = (
            select(q, P, R, Contact.name)
            .join(P, P.id == q.post_id)
            .outerjoin(R, R.id == q.reply_id)
            .outerjoin(Contact, Contact.id == q.contact_id)
            .where(*where)
            .order_by(q.created_at.desc(), q.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return total, [(a, b, c, d) for a, b, c, d in self.session.execute(stmt)]

    def resolve_reports(
        self, target: str, now: datetime, user_id: int | None, outcome: str
    ) -> None:
        """Close every open report of ``target`` with ``outcome``."""
        q = CommunityReport
        self.session.execute(
            update(q)
            .where(and_(q.target == target, q.resolved_at.is_(None)))
            .values(resolved_at=now, resolved_by=user_id, outcome=outcome)
        )
