"""Playbooks (プレイブック): their definitions, every time one fired, and every action it took.

A run is unique per (playbook, account, window): the window says which occurrence of the
trigger it answers (a day, a renewal, a ticket, a month), so re-running a refresh, resuming
after a crash or a second worker at once can never fire it twice for the same occurrence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, JSONType, TimestampMixin, UTCDateTime, utcnow


class Playbook(IdMixin, TimestampMixin, Base):
    __tablename__ = "playbooks"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    # The validated definition (trigger, condition, cool-down, actions) as JSON.
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Why the latest run skipped this playbook ({"day", "ja", "en"}); None when it ran.
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class PlaybookRun(IdMixin, Base):
    __tablename__ = "playbook_runs"
    __table_args__ = (
        UniqueConstraint("playbook_id", "account_id", "window"),
        Index("ix_playbook_runs_fired_on", "fired_on"),
        Index("ix_playbook_runs_account", "account_id"),
    )

    playbook_id: Mapped[int] = mapped_column(IdType, ForeignKey("playbooks.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    window: Mapped[str] = mapped_column(String(100))
    fired_on: Mapped[date]  # the refresh day whose data fired it
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONType)  # what fired, for the log
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlaybookAction(IdMixin, Base):
    """One action of a run: pending → running → done | failed (tried again while attempts
    last)."""

    __tablename__ = "playbook_actions"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        Index("ix_playbook_actions_status", "status"),
    )

    run_id: Mapped[int] = mapped_column(IdType, ForeignKey("playbook_runs.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    # What to do, rendered when the run was claimed: a retry sends exactly the same thing.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None]
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
