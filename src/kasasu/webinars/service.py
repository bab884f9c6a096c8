"""Events, their invitations and registrations: what the staff pages, the API, the emailed
link (/e/{link}) and the customer portal (:func:`register`) call.

A seat is taken under the event's row lock: while seats are left a registration holds one
(``registered``); once full it waits (``waitlisted``, moved up in order when a seat frees) or,
for an event without a waiting list, is refused. Registering again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import RegistrationStatus as S
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.models import Contact, Webinar, WebinarRegistration
from kasasu.segments.service import current_members, list_segments
from kasasu.webinars import effects
from kasasu.webinars.links import new_token, read_link
from kasasu.webinars.repository import RegistrationRepository, WebinarRepository
from kasasu.webinars.schemas import (
    Counts,
    InviteOutcome,
    Registrant,
    RegistrationRead,
    WebinarCreate,
    WebinarRead,
    WebinarSummary,
    WebinarUpdate,
)

MAX_PAGE = 200


def no_show(status: S, attended_at: datetime | None, ends_at: datetime, now: datetime) -> bool:
    """Registered (holding a seat), the event over, and not attended."""
    return status is S.REGISTERED and attended_at is None and ends_at <= now


def event_outcomes(
    session: Session, outcome: str, start: datetime, end: datetime
) -> list[tuple[int, int, int, Any, str | None]]:
    """(account, event, contact, title, recording) for attendances (``attended``: the
    attendance time) or no-shows (``no_show``: when recorded) in [start, end): what the
    playbook triggers event_attended and event_no_show read."""
    column = {"attended": "attended_at", "no_show": "no_show_at"}[outcome]
    return RegistrationRepository(session).outcomes_between(column, start, end)


def create_webinar(session: Session, data: WebinarCreate) -> WebinarRead:
    _check_segment(session, data.segment)
    row = Webinar(**data.model_dump(mode="python"))
    WebinarRepository(session).add(row)
    return WebinarRead.model_validate(row)


def update_webinar(session: Session, webinar_id: int, data: WebinarUpdate) -> WebinarRead:
    row = _webinar(session, webinar_id)
    changes = data.model_dump(exclude_unset=True, mode="python")
    _check_segment(session, changes.get("segment"))
    for name in ("kind", "title", "description", "starts_at", "ends_at", "reminder_hours"):
        if name in changes and changes[name] is None:
            raise InvalidInput(_("{field} cannot be empty", field=name))
    for name, value in changes.items():
        setattr(row, name, value)
    if row.ends_at <= row.starts_at:
        raise InvalidInput(_("An event must end after it starts"))
    session.flush()
    return WebinarRead.model_validate(row)


def cancel_webinar(session: Session, webinar_id: int, now: datetime) -> WebinarRead:
    row = _webinar(session, webinar_id)
    row.cancelled_at = row.cancelled_at or now
    session.flush()
    return WebinarRead.model_validate(row)


def get_webinar(session: Session, webinar_id: int, now: datetime) -> WebinarSummary:
    row = _webinar(session, webinar_id)
    counts = RegistrationRepository(session).counts([row.id])
    return summarise(row, counts.get(row.id, {}), now)


def list_webinars(
    session: Session, now: datetime, offset: int = 0, limit: int = 50
) -> tuple[list[WebinarSummary], int]:
    """A page of events, the latest first, with their counts; and how many there are."""
    repo = WebinarRepository(session)
    rows = repo.listed(max(offset, 0), min(max(limit, 1), MAX_PAGE))
    counts = RegistrationRepository(session).counts(r.id for r in rows)
    return [summarise(r, counts.get(r.id, {}), now) for r in rows], repo.total()


def registrants(
    session: Session, webinar_id: int, now: datetime, offset: int = 0, limit: int = MAX_PAGE
) -> list[Registrant]:
    webinar = _webinar(session, webinar_id)
    rows = RegistrationRepository(session).with_people(
        webinar_id, max(offset, 0), min(max(limit, 1), MAX_PAGE)
    )
    return [
        Registrant(
            registration=RegistrationRead.model_validate(r),
            contact_name=name,
            contact_email=email,
            account_name=account,
            no_show=no_show(r.status, r.attended_at, webinar.ends_at, now),
        )
        for r, name, email, account in rows
    ]


def invite_contacts(
    session: Session, webinar_id: int, contact_ids: list[int], now: datetime
) -> InviteOutcome:
    """Invite these contacts (the invitation is emailed by the next reminders run)."""
    webinar = _open(session, webinar_id, now)
    repo = RegistrationRepository(session)
    contacts = [c for i in contact_ids if (c := repo.contact(i)) is not None]
    if len(contacts) != len(set(contact_ids)):
        raise InvalidInput(_("Some of the contacts do not exist"))
    return _invite(session, webinar, contacts, now, source="staff")


def invite_emails(
    session: Session, webinar_id: int, emails: list[str], now: datetime
) -> InviteOutcome:
    """Invite the contacts with these addresses (any case); an address of no contact is
    refused with the others, nothing invited."""
    wanted = [e.strip().lower() for e in emails if e.strip()]
    found = RegistrationRepository(session).contacts_by_email(wanted)
    unknown = sorted({e for e in wanted if e not in found})
    if unknown:
        reason = _("No contact has the address {emails}", emails=", ".join(unknown[:20]))
        raise InvalidInput(reason, [FieldError(("emails",), reason, ", ".join(unknown))])
    return invite_contacts(session, webinar_id, sorted({found[e].id for e in wanted}), now)


def count_registrations(session: Session, webinar_id: int) -> int:
    """Every registration of the event, whatever its status (the registrants' pages)."""
    return RegistrationRepository(session).count_of(_webinar(session, webinar_id).id)


def invite_segment(
    session: Session, webinar_id: int, segment: str | None, day: date, now: datetime
) -> InviteOutcome:
    """Invite every contact with an address, still at the company, of the accounts in
    ``segment`` (the event's own when None) as of the latest refresh."""
    webinar = _open(session, webinar_id, now)
    name = segment or webinar.segment
    if not name:
        raise InvalidInput(_("Choose the segment whose contacts are invited"))
    accounts = current_members(session, name)
    people = RegistrationRepository(session).reachable_contacts(accounts, day)
    return _invite(session, webinar, people, now, source="segment")


def register(
    session: Session,
    contact_id: int,
    webinar_id: int,
    *,
    now: datetime,
    source: str = "portal",
    events_path: Path | None = None,
) -> RegistrationRead:
    """The contact's registration (the portal's and the link's): a seat, a place on the
    waiting list, or :class:`Conflict` when full without one or the event is over."""
    repo = RegistrationRepository(session)
    contact = repo.contact(contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} does not exist", id=contact_id))
    webinar = _open(session, webinar_id, now, lock=True)
    row = repo.of(webinar_id, contact_id)
    if row is None:
        row = _new(webinar, contact.id, contact.account_id, source, now)
        if not repo.add_once(row):
            row = repo.of(webinar_id, contact_id)
            assert row is not None  # made by the request that won the insert
    return RegistrationRead.model_validate(_take_seat(session, webinar, row, now, events_path))


def open_link(
    session: Session, secret: str, link: str
) -> tuple[WebinarRead, RegistrationRead] | None:
    """The event and registration a personal link names; None for a forged one."""
    row = _by_link(session, secret, link)
    if row is None:
        return None
    webinar = _webinar(session, row.webinar_id)
    return WebinarRead.model_validate(webinar), RegistrationRead.model_validate(row)


def register_by_link(
    session: Session, secret: str, link: str, now: datetime, events_path: Path | None
) -> RegistrationRead:
    row = _by_link(session, secret, link)
    if row is None:
        raise NotFound(_("This link is not valid"))
    return register(
        session, row.contact_id, row.webinar_id, now=now, source="link", events_path=events_path
    )


def cancel_by_link(
    session: Session, secret: str, link: str, now: datetime, events_path: Path | None
) -> RegistrationRead:
    row = _by_link(session, secret, link)
    if row is None:
        raise NotFound(_("This link is not valid"))
    return cancel_registration(session, row.id, now, events_path)


def cancel_registration(
    session: Session, registration_id: int, now: datetime, events_path: Path | None = None
) -> RegistrationRead:
    """Give the place up; the first on the waiting list takes the seat freed."""
    repo = RegistrationRepository(session)
    row = repo.get(registration_id)
    if row is None:
        raise NotFound(_("Registration {id} does not exist", id=registration_id))
    webinar = _open(session, row.webinar_id, now, lock=True)
    held = row.status is S.REGISTERED
    if row.status is not S.CANCELLED:
        row.status, row.cancelled_at = S.CANCELLED, now
        session.flush()
    if held and (waiting := repo.first_waiting(webinar.id)) is not None:
        _take_seat(session, webinar, waiting, now, events_path)
    return RegistrationRead.model_validate(row)


def _take_seat(
    session: Session,
    webinar: Webinar,
    row: WebinarRegistration,
    now: datetime,
    events_path: Path | None,
) -> WebinarRegistration:
    if row.status is S.REGISTERED:
        return row  # registering again changes nothing
    repo = RegistrationRepository(session)
    full = webinar.capacity is not None and repo.seated(webinar.id) >= webinar.capacity
    if full and not webinar.waitlist:
        raise Conflict(_("This event is full"))
    if full:
        if row.status is not S.WAITLISTED:
            row.status, row.registered_at = S.WAITLISTED, now
            session.flush()
        return row
    row.status, row.cancelled_at = S.REGISTERED, None
    row.registered_at = now
    session.flush()
    effects.record(session, webinar, [row], "registered", at=now, events_path=events_path)
    return row


def _invite(
    session: Session, webinar: Webinar, people: list[Contact], now: datetime, source: str
) -> InviteOutcome:
    repo = RegistrationRepository(session)
    known = repo.invited_contacts(webinar.id)
    invited = already = without = 0
    for contact in people:
        if contact.id in known:
            already += 1
        elif not contact.email:
            without += 1
        else:
            row = _new(webinar, contact.id, contact.account_id, source, now)
            row.status, row.invited_at = S.INVITED, now
            if repo.add_once(row):
                invited += 1
                known.add(contact.id)
            else:
                already += 1
    return InviteOutcome(invited=invited, already=already, without_email=without)


def _new(
    webinar: Webinar, contact_id: int, account_id: int, source: str, now: datetime
) -> WebinarRegistration:
    return WebinarRegistration(
        webinar_id=webinar.id,
        contact_id=contact_id,
        account_id=account_id,
        token=new_token(),
        status=S.INVITED,
        source=source,
        created_at=now,
    )


def _by_link(session: Session, secret: str, link: str) -> WebinarRegistration | None:
    read = read_link(secret, link)
    if read is None:
        return None
    row = RegistrationRepository(session).get(read[0])
    return row if row is not None and row.token == read[1] else None


def _check_segment(session: Session, name: str | None) -> None:
    if name is not None and name not in {s.name for s in list_segments(session)}:
        reason = _("No segment named {name}", name=name)
        raise InvalidInput(reason, [FieldError(("segment",), reason, name)])


def _webinar(session: Session, webinar_id: int) -> Webinar:
    row = WebinarRepository(session).get(webinar_id)
    if row is None:
        raise NotFound(_("Event {id} does not exist", id=webinar_id))
    return row


def _open(session: Session, webinar_id: int, now: datetime, *, lock: bool = False) -> Webinar:
    """The event, still to come and not called off (else Conflict)."""
    row = WebinarRepository(session).locked(webinar_id) if lock else None
    row = row or _webinar(session, webinar_id)
    if row.cancelled_at is not None:
        raise Conflict(_("This event was cancelled"))
    if row.ends_at <= now:
        raise Conflict(_("This event is over"))
    return row


def summarise(row: Webinar, counts: dict[str, int], now: datetime) -> WebinarSummary:
    registered = counts.get(S.REGISTERED.value, 0)
    attended = counts.get("attended", 0)
    # Every attendance is on a registered row (a walk-in is registered as it is recorded).
    missing = registered - attended if row.ends_at <= now else 0
    return WebinarSummary(
        webinar=WebinarRead.model_validate(row),
        counts=Counts(
            invited=counts.get(S.INVITED.value, 0),
            registered=registered,
            waitlisted=counts.get(S.WAITLISTED.value, 0),
            cancelled=counts.get(S.CANCELLED.value, 0),
            attended=attended,
            no_shows=max(missing, 0),
        ),
    )
