"""Who came: attendance imported from a meeting tool's export (rows already read by
kasasu.imports.attendance) or checked in by hand, and the no-shows once it is final.

A person is matched to a contact by email address (case-insensitive). A contact who came
without registering is registered as they are recorded (a walk-in); an address of no contact
is reported, never guessed. Importing the same file again changes nothing.

No-shows (registered, the event over, not attended) are recorded, with their activity, once
attendance is final: when it was first taken (import or check-in) or, without it,
``NO_SHOW_AFTER`` after the end. A no-show whose attendance arrives later is corrected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.domain.choices import RegistrationStatus as S
from kasasu.errors import Conflict, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.models import Webinar, WebinarRegistration
from kasasu.webinars import effects
from kasasu.webinars.links import new_token
from kasasu.webinars.repository import RegistrationRepository, WebinarRepository
from kasasu.webinars.schemas import AttendanceOutcome, AttendanceRow, AttendanceSource, Vendor
from kasasu.webinars.service import no_show

NO_SHOW_AFTER = timedelta(days=2)


def record_attendance(
    session: Session,
    webinar_id: int,
    rows: Sequence[AttendanceRow],
    vendor: Vendor,
    *,
    now: datetime,
    events_path: Path | None = None,
) -> AttendanceOutcome:
    webinar = _started(session, webinar_id, now)
    repo = RegistrationRepository(session)
    contacts = repo.contacts_by_email(r.email for r in rows)
    unmatched = sorted({r.email.lower() for r in rows if r.email.lower() not in contacts})
    attended = walk_ins = 0
    marked: list[WebinarRegistration] = []
    for person in rows:
        contact = contacts.get(person.email.lower())
        if contact is None:
            continue
        reg = repo.of(webinar.id, contact.id)
        if reg is None:
            reg = _walk_in(session, webinar, contact.id, contact.account_id, person, now=now)
            walk_ins += 1
        if _attend(session, reg, person.joined_at or webinar.starts_at, person.minutes, vendor):
            attended += 1
            marked.append(reg)
    _finish(session, webinar, marked, now, events_path)
    return AttendanceOutcome(
        vendor=vendor,
        rows=len(rows),
        attended=attended,
        walk_ins=walk_ins,
        unmatched=unmatched,
        no_shows=sum(
            no_show(r.status, r.attended_at, webinar.ends_at, now)
            for r in repo.of_webinar(webinar.id)
        ),
    )


def check_in(
    session: Session,
    webinar_id: int,
    registration_ids: Sequence[int],
    *,
    now: datetime,
    minutes: int | None = None,
    events_path: Path | None = None,
) -> int:
    """Mark these registrations attended by hand (the staff's check-in at the door)."""
    webinar = _started(session, webinar_id, now)
    repo = RegistrationRepository(session)
    marked = []
    for registration_id in registration_ids:
        reg = repo.get(registration_id)
        if reg is None or reg.webinar_id != webinar.id:
            raise InvalidInput(_("Registration {id} is not one of this event", id=registration_id))
        if _attend(session, reg, min(now, webinar.ends_at), minutes, "hand"):
            marked.append(reg)
    _finish(session, webinar, marked, now, events_path)
    return len(marked)


def settle_no_shows(session: Session, now: datetime, events_path: Path | None = None) -> int:
    """Record the no-shows of every event whose attendance is final; how many were new."""
    found = 0
    for webinar in WebinarRepository(session).ended_before(now):
        if webinar.attendance_taken_at is None and webinar.ends_at + NO_SHOW_AFTER > now:
            continue
        missing = [
            r
            for r in RegistrationRepository(session).of_webinar(webinar.id)
            if r.no_show_at is None and no_show(r.status, r.attended_at, webinar.ends_at, now)
        ]
        for r in missing:
            r.no_show_at = now
        session.flush()
        effects.record(session, webinar, missing, "no_show", at=now, events_path=events_path)
        found += len(missing)
    return found


def _attend(
    session: Session,
    reg: WebinarRegistration,
    at: datetime,
    minutes: int | None,
    source: AttendanceSource,
) -> bool:
    """Mark attended (again: the latest figures kept); True when newly attended."""
    first = reg.attended_at is None
    reg.status, reg.cancelled_at = S.REGISTERED, None
    reg.attended_at = at if first else min(at, reg.attended_at or at)
    reg.attended_minutes, reg.attendance_source = minutes, source
    if reg.no_show_at is not None:
        reg.no_show_at = None
        effects.forget_no_show(session, reg.id)
    session.flush()
    return first


def _walk_in(
    session: Session,
    webinar: Webinar,
    contact_id: int,
    account_id: int,
    person: AttendanceRow,
    *,
    now: datetime,
) -> WebinarRegistration:
    reg = WebinarRegistration(
        webinar_id=webinar.id,
        contact_id=contact_id,
        account_id=account_id,
        token=new_token(),
        status=S.REGISTERED,
        source="import",
        registered_at=person.joined_at or webinar.starts_at,
        created_at=now,
    )
    RegistrationRepository(session).add(reg)
    return reg


def _finish(
    session: Session,
    webinar: Webinar,
    marked: list[WebinarRegistration],
    now: datetime,
    events_path: Path | None,
) -> None:
    webinar.attendance_taken_at = webinar.attendance_taken_at or now
    session.flush()
    effects.record(session, webinar, marked, "attended", at=now, events_path=events_path)


def _started(session: Session, webinar_id: int, now: datetime) -> Webinar:
    webinar = WebinarRepository(session).get(webinar_id)
    if webinar is None:
        raise NotFound(_("Event {id} does not exist", id=webinar_id))
    if webinar.starts_at > now:
        raise Conflict(_("Attendance can be recorded once the event has started"))
    return webinar
