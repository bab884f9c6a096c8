"""Lock rows: taken by one INSERT (or by taking over an expired row), renewed, released.

On SQLite the caller's write transaction (BEGIN IMMEDIATE) serialises takers; on
PostgreSQL a second INSERT of the same name waits for the first and then does nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kasasu.models import JobLock


class LockRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> JobLock | None:
        return self.session.get(JobLock, name, populate_existing=True)

    def take(self, name: str, holder: str, now: datetime, expires_at: datetime) -> bool:
        """Take the lock if no one holds it, its holder's time ran out, or ``holder`` holds
        it already (a periodic job keeps its lock between its runs)."""
        values = {"holder": holder, "acquired_at": now, "expires_at": expires_at}
        # RETURNING, not rowcount: psycopg answers -1 for an INSERT that did nothing.
        expired = (
            update(JobLock)
            .where(JobLock.name == name, or_(JobLock.expires_at < now, JobLock.holder == holder))
            .values(**values)
            .returning(JobLock.name)
            .execution_options(synchronize_session=False)
        )
        if self.session.execute(expired).first() is not None:
            return True
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        insert = (
            dialect.insert(JobLock)
            .values(name=name, **values)
            .on_conflict_do_nothing()
            .returning(JobLock.name)
        )
        return self.session.execute(insert).first() is not None

    def renew(self, name: str, holder: str, expires_at: datetime) -> bool:
        stmt = (
            update(JobLock)
            .where(JobLock.name == name, JobLock.holder == holder)
            .values(expires_at=expires_at)
            .returning(JobLock.name)
            .execution_options(synchronize_session=False)
        )
        return self.session.execute(stmt).first() is not None

    def release(self, name: str, holder: str) -> None:
        self.session.execute(
            delete(JobLock)
            .where(JobLock.name == name, JobLock.holder == holder)
            .execution_options(synchronize_session=False)
        )

    def holders(self, names: list[str]) -> list[JobLock]:
        return list(self.session.scalars(select(JobLock).where(JobLock.name.in_(names))))
