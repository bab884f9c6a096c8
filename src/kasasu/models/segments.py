"""Segments (セグメント): saved rules over accounts, and who was in them when."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, JSONType, TimestampMixin


class Segment(IdMixin, TimestampMixin, Base):
    __tablename__ = "segments"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    rule: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None]
    # Why the latest refresh skipped this segment ({"day", "ja", "en"}); None when it ran.
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class SegmentMember(IdMixin, Base):
    """An account's stay in a segment: from the refresh day it entered to the one it left."""

    __tablename__ = "segment_members"
    __table_args__ = (
        Index("ix_segment_members_segment_open", "segment_id", "left_on"),
        Index("ix_segment_members_account", "account_id"),
    )

    segment_id: Mapped[int] = mapped_column(IdType, ForeignKey("segments.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    entered_on: Mapped[date]
    left_on: Mapped[date | None]
