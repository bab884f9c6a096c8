"""The customer community (commmune / Gainsight Customer Communities class): spaces, their
threads (questions and discussions), answers and comments, reactions, follows, reports,
the members' mention handles and the daily digests sent.

Every customer's contacts share one community. A post or reply keeps its author (a contact,
or a staff user answering officially) and the author's company at the time (``account_id``),
which the engagement feature counts per account; the company is never shown to other
customers. Reactions, follows and reports name their target as ``"post:ID"`` or
``"reply:ID"`` (``"space:ID"`` for follows) so one unique key covers both kinds.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, UTCDateTime, utcnow


class CommunitySpace(IdMixin, TimestampMixin, Base):
    """A category of the community, named in both languages, managed by the staff."""

    __tablename__ = "community_spaces"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_ja: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class CommunityMember(IdMixin, Base):
    """A contact who wrote in the community: the handle others mention (@handle), the
    language of their emails and whether they want the daily digest."""

    __tablename__ = "community_members"

    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    digest: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommunityPost(IdMixin, TimestampMixin, Base):
    """A thread: a question (answers, one of them accepted) or a discussion (comments)."""

    __tablename__ = "community_posts"
    __table_args__ = (
        Index("ix_community_posts_space_activity", "space_id", "last_activity_at"),
        Index("ix_community_posts_account_created", "account_id", "created_at"),
        Index("ix_community_posts_author_created", "author_contact_id", "created_at"),
    )

    space_id: Mapped[int] = mapped_column(IdType, ForeignKey("community_spaces.id"))
    kind: Mapped[str] = mapped_column(String(16))  # question | discussion
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when shown
    language: Mapped[str] = mapped_column(String(8))
    author_contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    author_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL")
    )
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    # The need (要望) the staff made of this post: its request links back here.
    need_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("needs.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommunityReply(IdMixin, TimestampMixin, Base):
    """An answer to a question, or a comment (on a post, or under an answer: ``parent_id``)."""

    __tablename__ = "community_replies"
    __table_args__ = (Index("ix_community_replies_account_created", "account_id", "created_at"),)

    post_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("community_replies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # answer | comment
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    author_contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    author_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL")
    )
    hidden: Mapped[bool] = mapped_column(default=False)
    accepted: Mapped[bool] = mapped_column(default=False)


class CommunityReaction(IdMixin, Base):
    """One contact's reaction to a post or a reply: at most one per contact and target."""

    __tablename__ = "community_reactions"
    __table_args__ = (
        UniqueConstraint("target", "contact_id"),
        Index("ix_community_reactions_account_created", "account_id", "created_at"),
    )

    post_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("community_replies.id", ondelete="CASCADE")
    )
    target: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL")
    )
    reaction: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommunityFollow(IdMixin, Base):
    """A contact follows a thread or a space: its new activity goes in their digest."""

    __tablename__ = "community_follows"
    __table_args__ = (UniqueConstraint("contact_id", "target"),)

    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    space_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("community_spaces.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommunityReport(IdMixin, Base):
    """A contact's report of a post or reply, waiting in the moderators' queue until
    ``resolved_at`` (outcome ``hidden`` or ``dismissed``)."""

    __tablename__ = "community_reports"
    __table_args__ = (
        UniqueConstraint("contact_id", "target"),
        Index("ix_community_reports_resolved", "resolved_at"),
    )

    post_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("community_replies.id", ondelete="CASCADE")
    )
    target: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(String(16))


class CommunityDigest(IdMixin, Base):
    """One digest sent: the unique key makes it go once per contact and day, whichever run
    (or worker) gets there first."""

    __tablename__ = "community_digests"
    __table_args__ = (UniqueConstraint("contact_id", "day"),)

    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
