"""Event emails (invitations, reminders) and no-shows: every few minutes inside ``kasasu
serve`` (beside the onboarding reminders) and by ``kasasu webinars remind``, under one job
lock; each email committed as it goes, so a stopped run sends the rest next time. The daily
refresh records the no-shows too, before the playbooks read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction, write_checkpoint
from kasasu.db.audit import through
from kasasu.jobs.locking import holder_name
from kasasu.locks.service import acquire_locks, release_locks
from kasasu.webinars.attendance import settle_no_shows
from kasasu.webinars.mails import EventMailConfig, MailOutcome, send_event_mails

LOCK = "webinar-mails"
LOCK_TTL = timedelta(minutes=30)


def remind_event_guests(
    engine: Engine, config: EventMailConfig, now: datetime | None = None
) -> MailOutcome | None:
    """Send the event emails due now and record the no-shows now final; None when another
    run holds the lock."""
    factory, holder = session_factory(engine), holder_name()
    with transaction(factory, write=True) as session:
        if acquire_locks(session, [LOCK], holder, LOCK_TTL) is not None:
            session.rollback()
            return None
    try:
        moment = now or datetime.now(UTC)
        with transaction(factory, write=True) as session, through("webinars"):
            outcome = send_event_mails(
                session, moment, config, checkpoint=lambda: write_checkpoint(session)
            )
            settle_no_shows(session, moment)
            return outcome
    finally:
        with transaction(factory, write=True) as session:
            release_locks(session, [LOCK], holder)


def record_no_shows(engine: Engine, now: datetime, events_path: Path | None = None) -> int:
    """The no-shows of the events whose attendance is final (the daily refresh's step)."""
    with transaction(session_factory(engine), write=True) as session, through("webinars"):
        return settle_no_shows(session, now, events_path)
