"""The customer portal: contacts' sign-in links and sessions, and the announcements shown
to them. Tokens are kept only as their SHA-256, so a copy of the database opens nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, UTCDateTime, utcnow


class PortalLink(IdMixin, Base):
    """A magic sign-in link emailed to a contact: opens one session, once, until it expires."""

    __tablename__ = "portal_links"

    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PortalSession(IdMixin, Base):
    """A signed-in contact: the cookie holds the token, the row its hash. Signing out
    deletes the row, so a copied cookie ends with it."""

    __tablename__ = "portal_sessions"

    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(16))  # "link" or "sdk": how it was opened
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Announcement(IdMixin, TimestampMixin, Base):
    """News for customers in the portal: to every account or to one segment's, in one
    language or both, shown from ``published_at`` until ``expires_at`` (open when None)."""

    __tablename__ = "announcements"

    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when shown
    segment: Mapped[str | None] = mapped_column(String(100))  # None: every account
    locale: Mapped[str | None] = mapped_column(String(8))  # None: readers of both languages
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
