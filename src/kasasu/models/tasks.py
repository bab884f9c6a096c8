"""Work for a CSM (タスク / CTA), entered by hand or created by a playbook."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import Priority, TaskSource, TaskStatus
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class Task(IdMixin, TimestampMixin, Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_owner_status_due", "owner_id", "status", "due_date"),)

    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None]
    due_date: Mapped[date | None]
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.OPEN)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.NORMAL)
    source: Mapped[TaskSource] = mapped_column(enum_column(TaskSource), default=TaskSource.MANUAL)
    completed_at: Mapped[datetime | None]
