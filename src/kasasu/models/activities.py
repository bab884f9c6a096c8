"""The activity timeline (活動履歴): notes, calls, meetings, emails, webinars, posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import ActivityKind
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class Activity(IdMixin, TimestampMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_account_occurred", "account_id", "occurred_at"),)

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None]
    occurred_at: Mapped[datetime]
