"""The job history: one row per run of a scheduled job (the daily refresh, the reminders, the
connectors' drop folder and feeds) by one process, kept for a number of days, so that an
operator sees what ran where, how long it took, what failed and which runs another process
did instead."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import JobResult
from kasasu.models.base import Base, IdMixin, UTCDateTime, enum_column


class JobRun(IdMixin, Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_name", "name", "started_at"),)

    name: Mapped[str] = mapped_column(String(100))  # e.g. daily-refresh, connector-drops
    day: Mapped[date | None]  # the day a daily job was for (the day refreshed)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    result: Mapped[JobResult] = mapped_column(enum_column(JobResult))
    attempt: Mapped[int] = mapped_column(default=1)  # 2 and more: retries of a failed run
    holder: Mapped[str] = mapped_column(String(200))  # host:pid of the process
    # A skipped run: the process that held the job's lock, or that had done the day's work.
    held_by: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(2000))  # a failed run's, cut short
