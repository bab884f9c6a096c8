"""Events in the customer portal: those meant for the contact's company (every account's,
its segments', or the ones the contact was invited to), registering and cancelling there,
and the contact's past events with their recordings. An event not meant for the company is
a 404 like one that does not exist, so a guessed id tells nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.kit.markdown import render_markdown
from kasasu.kit.types import local_text
from kasasu.models import Webinar, WebinarRegistration
from kasasu.segments.service import segments_of
from kasasu.webinars.repository import RegistrationRepository, WebinarRepository
from kasasu.webinars.schemas import PortalEvent, PortalEvents, RegistrationRead
from kasasu.webinars.service import cancel_registration, register

PAST_SHOWN = 50


def events_for(
    session: Session, account_id: int, contact_id: int, locale: str, now: datetime
) -> PortalEvents:
    upcoming = _meant_for(session, account_id, contact_id, now)
    mine = RegistrationRepository(session).of_contact(contact_id, (w.id for w in upcoming))
    past, total = RegistrationRepository(session).past_of_contact(contact_id, now, PAST_SHOWN)
    return PortalEvents(
        upcoming=[_shown(w, mine.get(w.id), locale) for w in upcoming],
        past=[_shown(w, r, locale) for r, w in past],
        past_total=total,
    )


def register_in_portal(
    session: Session,
    account_id: int,
    *,
    contact_id: int,
    webinar_id: int,
    now: datetime,
    events_path: Path | None = None,
) -> RegistrationRead:
    if webinar_id not in {w.id for w in _meant_for(session, account_id, contact_id, now)}:
        raise NotFound(_("Event {id} does not exist", id=webinar_id))
    return register(
        session, contact_id, webinar_id, now=now, source="portal", events_path=events_path
    )


def cancel_in_portal(
    session: Session,
    contact_id: int,
    *,
    webinar_id: int,
    now: datetime,
    events_path: Path | None = None,
) -> RegistrationRead:
    row = RegistrationRepository(session).of(webinar_id, contact_id)
    if row is None:
        raise NotFound(_("Event {id} does not exist", id=webinar_id))
    return cancel_registration(session, row.id, now, events_path)


def _meant_for(session: Session, account_id: int, contact_id: int, now: datetime) -> list[Webinar]:
    segments = segments_of(session, account_id)
    return WebinarRepository(session).meant_for(segments, contact_id, now)


def _shown(webinar: Webinar, row: WebinarRegistration | None, locale: str) -> PortalEvent:
    return PortalEvent(
        id=webinar.id,
        kind=webinar.kind,
        title=local_text(webinar.title, locale),
        html=render_markdown(local_text(webinar.description, locale)),
        starts_at=webinar.starts_at,
        ends_at=webinar.ends_at,
        status=None if row is None else row.status,
        attended=row is not None and row.attended_at is not None,
        recording_url=webinar.recording_url,
    )
