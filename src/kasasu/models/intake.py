"""Sources that send product events the Segment way, and the users they told us about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, JSONType, UTCDateTime, utcnow


class EventSource(IdMixin, Base):
    """A product (or a Segment / RudderStack workspace) sending events with its write key.
    Only the key's SHA-256 is kept; it is shown once, when the source is made."""

    __tablename__ = "event_sources"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(12))  # the key's first characters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SourceUser(IdMixin, Base):
    """A user a source named: its account (from a ``group`` call) and its traits (from
    ``identify``), so a later ``track`` of that user lands on its account."""

    __tablename__ = "source_users"
    __table_args__ = (UniqueConstraint("source_id", "user_id"),)

    source_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("event_sources.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(200))
    account_external_id: Mapped[str | None] = mapped_column(String(200))
    traits: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
