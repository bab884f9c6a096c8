"""Product needs (要望): a theme that groups many customer requests, with its status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import NeedStatus
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    TimestampMixin,
    UTCDateTime,
    enum_column,
    utcnow,
)


class Need(IdMixin, TimestampMixin, Base):
    __tablename__ = "needs"

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None]
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus), default=NeedStatus.NEW)
    effort_days: Mapped[int | None]  # estimated effort in person-days; None: not estimated


class NeedStatusChange(IdMixin, Base):
    """One change of a need's status; the loop is closed (tasks created) once per change."""

    __tablename__ = "need_status_changes"

    need_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[NeedStatus | None] = mapped_column(enum_column(NeedStatus))
    to_status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus))
    changed_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str | None]
    tasks_created: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
