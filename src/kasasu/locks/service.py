"""Taking, renewing and releasing job locks (security review F14). A lock expires unless
its holder renews it, so one that crashed frees it after ``ttl``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.locks.repository import LockRepository
from kasasu.locks.schemas import LockRead


def acquire_locks(
    session: Session, names: Sequence[str], holder: str, ttl: timedelta
) -> LockRead | None:
    """Take every lock of ``names`` for ``holder``, or none of them: None when taken, else
    the lock someone else holds (the caller's transaction is then to be rolled back)."""
    now = datetime.now(UTC)
    repo = LockRepository(session)
    for name in names:
        if not repo.take(name, holder, now, now + ttl):
            row = repo.get(name)
            if row is None:  # released in between: the caller may try again
                return LockRead(name=name, holder="", acquired_at=now, expires_at=now)
            return LockRead.model_validate(row, from_attributes=True)
    return None


def renew_locks(session: Session, names: Sequence[str], holder: str, ttl: timedelta) -> bool:
    """Push the expiry on; False when one of them was lost (expired and taken over)."""
    expires_at = datetime.now(UTC) + ttl
    repo = LockRepository(session)
    renewed = [repo.renew(name, holder, expires_at) for name in names]  # every one, no short cut
    return all(renewed)


def release_locks(session: Session, names: Sequence[str], holder: str) -> None:
    repo = LockRepository(session)
    for name in names:
        repo.release(name, holder)
