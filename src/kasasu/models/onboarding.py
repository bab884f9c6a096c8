"""Onboarding milestones (オンボーディング) from contract to first value."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin


class Milestone(IdMixin, TimestampMixin, Base):
    __tablename__ = "milestones"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    plan: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_first_value: Mapped[bool] = mapped_column(default=False)
    due_date: Mapped[date | None]
    done_at: Mapped[datetime | None]
