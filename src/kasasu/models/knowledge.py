"""The knowledge base (help centre, FAQ): articles in Japanese and English under categories,
and what readers do with them: views, "was this helpful?" votes, comments to the team and
searches (kept with their number of results, for the "searched, not found" report)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    TimestampMixin,
    UTCDateTime,
    utcnow,
)


class ArticleCategory(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_categories"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)  # order on the help centre's front page


class Article(IdMixin, TimestampMixin, Base):
    """One article with a Japanese and an English version (either may be empty: the reader
    then gets the other). A draft until ``published_at`` is set."""

    __tablename__ = "knowledge_articles"

    slug: Mapped[str] = mapped_column(String(120), unique=True)  # /help/articles/{slug}
    category_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("knowledge_categories.id", ondelete="SET NULL"), index=True
    )
    title_ja: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    body_ja: Mapped[str | None] = mapped_column(Text)  # Markdown, sanitised when shown
    body_en: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)  # order within its category
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )


class RelatedArticle(IdMixin, Base):
    """``related_id`` is listed under ``article_id`` as "related articles", in ``position``."""

    __tablename__ = "knowledge_related"
    __table_args__ = (UniqueConstraint("article_id", "related_id"),)

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_articles.id", ondelete="CASCADE")
    )
    related_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class ArticleVote(IdMixin, Base):
    """A reader's answer to "was this helpful?": one per contact, else one per browser
    (``visitor``, a random id kept in the browser's session); voting again changes it."""

    __tablename__ = "knowledge_votes"
    __table_args__ = (
        UniqueConstraint("article_id", "contact_id"),
        UniqueConstraint("article_id", "visitor"),
    )

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_articles.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE")
    )
    visitor: Mapped[str | None] = mapped_column(String(64))
    helpful: Mapped[bool]
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ArticleComment(IdMixin, Base):
    """A reader's note to the team about an article: private feedback, never shown to other
    readers. ``resolved_at`` is set when the team has dealt with it."""

    __tablename__ = "knowledge_comments"

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8))  # the language the reader read in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ArticleView(IdMixin, Base):
    """One reading of an article; a known contact's counts for their account (and lands in
    the event store as the account's usage)."""

    __tablename__ = "knowledge_views"
    __table_args__ = (
        Index("ix_knowledge_views_account_viewed", "account_id", "viewed_at"),
        Index("ix_knowledge_views_article", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_articles.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(8))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HelpSearch(IdMixin, Base):
    """A search in the help centre, as typed (cut to 200 characters) and folded
    (``folded``: how the report groups the same question typed differently), with how many
    articles it found."""

    __tablename__ = "knowledge_searches"
    __table_args__ = (Index("ix_knowledge_searches_searched", "searched_at"),)

    query: Mapped[str] = mapped_column(String(200))
    folded: Mapped[str] = mapped_column(String(200), index=True)
    results: Mapped[int]
    locale: Mapped[str] = mapped_column(String(8))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL")
    )
    searched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
