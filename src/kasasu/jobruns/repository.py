"""Queries of the job history: each job's latest runs, the recent runs, the day's run that
succeeded, and the prune of old runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kasasu.domain.choices import JobResult
from kasasu.models import JobRun


class JobRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, run: JobRun) -> JobRun:
        self.session.add(run)
        self.session.flush()
        return run

    def latest_per_name(self, *, done_only: bool = False) -> list[JobRun]:
        """Each job's latest recorded run (``done_only``: the latest that was not skipped)."""
        latest = select(func.max(JobRun.id)).group_by(JobRun.name)
        if done_only:
            latest = latest.where(JobRun.result != JobResult.SKIPPED)
        stmt = select(JobRun).where(JobRun.id.in_(latest.scalar_subquery())).order_by(JobRun.name)
        return list(self.session.scalars(stmt))

    def recent(self, *, name: str | None, limit: int) -> list[JobRun]:
        stmt = select(JobRun)
        if name is not None:
            stmt = stmt.where(JobRun.name == name)
        stmt = stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
        return list(self.session.scalars(stmt))

    def last_ok(self, name: str, day: date) -> JobRun | None:
        stmt = (
            select(JobRun)
            .where(JobRun.name == name, JobRun.day == day, JobRun.result == JobResult.OK)
            .order_by(JobRun.id.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).first()

    def delete_before(self, moment: datetime) -> int:
        stmt = (
            delete(JobRun)
            .where(JobRun.started_at < moment)
            .returning(JobRun.id)
            .execution_options(synchronize_session=False)
        )
        return len(self.session.execute(stmt).all())
