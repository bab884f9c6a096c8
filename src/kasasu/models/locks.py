"""Locks that jobs take in the database, so two processes never do the same work at once
(two refreshes of one day, from cron and the server's schedule). A lock names its holder
and expires: a holder that crashed frees it when ``expires_at`` passes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base


class JobLock(Base):
    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # e.g. refresh:2026-10-01
    holder: Mapped[str] = mapped_column(String(200))  # host:pid:token of the process
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
