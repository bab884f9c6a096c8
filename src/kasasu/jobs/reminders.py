"""The customer's onboarding reminders (meeting invitations and reminders, steps due or
overdue), sent every ``KASASU_ONBOARDING__REMINDERS_EVERY_MINUTES`` inside ``kasasu serve``
and by ``kasasu onboarding remind``: under one job lock, so that two servers do not work at
once (and each email is recorded under a unique key, so none goes twice anyway); each email
committed as it goes, so a stopped run sends the rest next time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction, write_checkpoint
from kasasu.db.audit import through
from kasasu.jobs.locking import holder_name
from kasasu.locks.service import acquire_locks, release_locks
from kasasu.onboarding.config import ReminderConfig
from kasasu.onboarding.reminders import ReminderOutcome, send_reminders

LOCK = "onboarding-reminders"
LOCK_TTL = timedelta(minutes=30)  # a crashed run frees the lock after this


def remind_customers(
    engine: Engine, config: ReminderConfig, now: datetime | None = None
) -> ReminderOutcome | None:
    """Send every reminder due now; None when another run holds the lock."""
    factory, holder = session_factory(engine), holder_name()
    with transaction(factory, write=True) as session:
        if acquire_locks(session, [LOCK], holder, LOCK_TTL) is not None:
            session.rollback()
            return None
    try:
        with transaction(factory, write=True) as session, through("onboarding"):
            moment = now or datetime.now(UTC)
            return send_reminders(
                session, moment, config, checkpoint=lambda: write_checkpoint(session)
            )
    finally:
        with transaction(factory, write=True) as session:
            release_locks(session, [LOCK], holder)
