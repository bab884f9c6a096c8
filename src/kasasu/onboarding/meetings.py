"""Meetings on the onboarding plan (kick-off, training, review) with the customer's contacts:
scheduled, moved or changed (each change is a new revision of the calendar invitation),
cancelled, and held with who attended; the invitees' replies through the links of their
emails. Replies and attendance are written on the account's timeline."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityCreate
from kasasu.activities.service import activities
from kasasu.domain.choices import ActivityKind, ContactRole, MeetingKind, MeetingStatus, Rsvp
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.kit.choices import label
from kasasu.kit.i18n import _, translate
from kasasu.models import Contact, MeetingInvitee, OnboardingMeeting
from kasasu.onboarding.links import read_reply
from kasasu.onboarding.meeting_repository import MeetingRepository
from kasasu.onboarding.meeting_schemas import (
    AttendanceIn,
    InviteeRead,
    MeetingCreate,
    MeetingRead,
    MeetingReply,
    MeetingUpdate,
)
from kasasu.onboarding.repository import OnboardingRepository


def list_meetings(session: Session, account_id: int) -> list[MeetingRead]:
    """The account's meetings, the earliest first."""
    return _read(session, MeetingRepository(session).of_account(account_id))


def get_meeting(session: Session, meeting_id: int) -> MeetingRead:
    return _read(session, [_meeting(session, meeting_id)])[0]


def schedule_meeting(
    session: Session, account_id: int, data: MeetingCreate, *, by: int | None, locale: str
) -> MeetingRead:
    """A meeting on the account's plan (NotFound without one); its mail is written in
    ``data.locale``, else the plan's language, else ``locale`` (the installation's)."""
    account = accounts.get(session, account_id)
    plan = OnboardingRepository(session).of_account(account_id)
    if plan is None:
        raise NotFound(_("{name} has no onboarding plan", name=account.name))
    language = data.locale or plan.locale or locale
    meeting = MeetingRepository(session).add(
        OnboardingMeeting(
            onboarding_id=plan.id,
            account_id=account_id,
            kind=data.kind,
            title=data.title or _label(data.kind, language),
            starts_at=data.starts_at,
            duration_minutes=data.duration_minutes,
            place=data.place or None,
            status=MeetingStatus.SCHEDULED,
            uid=f"{secrets.token_hex(16)}@kasasu",
            sequence=0,
            locale=language,
            created_by=by,
        )
    )
    for contact in _contacts(session, account_id, data.contact_ids):
        session.add(_invitee(meeting.id, contact.id))
    session.flush()
    return get_meeting(session, meeting.id)


def reschedule_meeting(
    session: Session, meeting_id: int, data: MeetingUpdate, *, now: datetime
) -> MeetingRead:
    """Change a meeting still to be held; any change is a new revision of its invitation
    (sent again to every invitee). A new time asks everyone's reply again; contacts taken
    off are sent the cancellation, contacts added the invitation."""
    meeting = _open_meeting(session, meeting_id)
    changes = data.model_dump(exclude_unset=True, exclude={"contact_ids"})
    changed = False
    for name, given in changes.items():
        value = (given or None) if name == "place" else given  # "" takes the place off
        if name != "place" and not value:
            continue  # a title is never emptied; nothing else is given empty
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed = True
    invitees = _invitees(session, meeting.id)
    if "starts_at" in changes and changed:
        for invitee in invitees:
            invitee.rsvp, invitee.rsvp_at = Rsvp.PENDING, None
    if data.contact_ids is not None:
        changed |= _reinvite(session, meeting, invitees, data.contact_ids, now)
    if changed:
        meeting.sequence += 1
    session.flush()
    return get_meeting(session, meeting.id)


def cancel_meeting(session: Session, meeting_id: int) -> MeetingRead:
    """Call a meeting off (its invitees are sent the cancellation; their reply links say it
    was cancelled). A second cancellation changes nothing; a held meeting is refused."""
    meeting = _meeting(session, meeting_id)
    if meeting.status is MeetingStatus.HELD:
        raise Conflict(_("This meeting was held; it cannot be cancelled"))
    if meeting.status is not MeetingStatus.CANCELLED:
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        session.flush()
    return get_meeting(session, meeting.id)


def record_attendance(
    session: Session,
    meeting_id: int,
    data: AttendanceIn,
    *,
    by: int | None,
    locale: str,
    now: datetime,
) -> MeetingRead:
    """The meeting was held: the invitees named attended, the others did not. Written on
    the account's timeline (once per meeting: recording it again corrects that entry)."""
    meeting = _meeting(session, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise Conflict(_("This meeting was cancelled"))
    if meeting.starts_at > now:
        raise Conflict(_("This meeting has not started yet"))
    rows = {i.contact_id: (i, c) for i, c in _with_contacts(session, meeting.id)}
    strangers = [c for c in data.attended if c not in rows]
    if strangers:
        raise InvalidInput(
            _("Only invited contacts can attend"),
            [FieldError(("attended",), _("Not invited: {ids}", ids=strangers), strangers)],
        )
    came = set(data.attended)
    for contact_id, (invitee, _contact) in rows.items():
        invitee.attended = contact_id in came
    meeting.status = MeetingStatus.HELD
    names = {cid: c.name for cid, (_i, c) in rows.items()}
    present = [names[c] for c in rows if c in came]
    absent = [names[c] for c in rows if c not in came]
    body = translate(
        "Attended: {present}\nDid not attend: {absent}",
        locale,
        present=", ".join(present) or "—",
        absent=", ".join(absent) or "—",
    )
    kind = _label(meeting.kind, locale)
    subject = translate("{kind} held: {title}", locale, kind=kind, title=meeting.title)
    activities.upsert_many(
        session,
        [
            {
                "external_id": f"onboarding-meeting-{meeting.id}-held",
                "account_id": meeting.account_id,
                "user_id": by,
                "kind": ActivityKind.MEETING,
                "subject": subject[:500],
                "body": f"{body}\n\n{data.note}" if data.note else body,
                "occurred_at": meeting.starts_at,
            }
        ],
    )
    session.flush()
    return get_meeting(session, meeting.id)


def open_reply(session: Session, secret: str, link: str, now: datetime) -> MeetingReply | None:
    """What a reply link opens; None for a forged link or a revoked one (the contact was
    taken off the meeting)."""
    found = _reply_invitee(session, secret, link)
    if found is None:
        return None
    invitee, contact = found
    return _reply(session, invitee, contact, now)


def reply_to_meeting(
    session: Session, secret: str, link: str, answer: Rsvp, *, now: datetime, locale: str
) -> MeetingReply | None:
    """Record the invitee's reply from their link (until the meeting starts) and write it on
    the account's timeline in ``locale`` (the CS team's); the same reply twice is written
    once. None as for :func:`open_reply`."""
    found = _reply_invitee(session, secret, link)
    if found is None or answer is Rsvp.PENDING:
        return None
    invitee, contact = found
    shown = _reply(session, invitee, contact, now)
    if shown.state != "open" or invitee.rsvp is answer:
        return shown
    invitee.rsvp, invitee.rsvp_at = answer, now
    meeting = _meeting(session, invitee.meeting_id)
    name, title = contact.name, meeting.title
    if answer is Rsvp.ACCEPTED:
        subject = translate("{name} will attend: {title}", locale, name=name, title=title)
    else:
        subject = translate("{name} cannot attend: {title}", locale, name=name, title=title)
    activities.create(
        session,
        ActivityCreate(
            account_id=meeting.account_id,
            contact_id=contact.id,
            kind=ActivityKind.EMAIL,
            subject=subject[:500],
            body=translate(
                "Reply to the invitation to {kind} on {day}",
                locale,
                kind=_label(meeting.kind, locale),
                day=meeting.starts_at.date().isoformat(),
            ),
            occurred_at=now,
        ),
    )
    session.flush()
    return _reply(session, invitee, contact, now)


def contacts_named(session: Session, account_id: int, refs: Sequence[str]) -> list[int]:
    """The ids of the account's contacts named by email, external id or id; with no name,
    its champions and decision makers (who are invited by default). InvalidInput naming a
    reference that is none of its contacts."""
    people = MeetingRepository(session).account_contacts(account_id)
    if not refs:
        key = [c.id for c in people if c.role in (ContactRole.CHAMPION, ContactRole.DECISION_MAKER)]
        if not key:
            raise InvalidInput(_("The account has no champion or decision maker: name contacts"))
        return key
    found, errors = [], []
    for n, ref in enumerate(refs):
        match = [
            c.id
            for c in people
            if ref.casefold() in ((c.email or "").casefold(), c.external_id.casefold(), str(c.id))
        ]
        if match:
            found.append(match[0])
        else:
            errors.append(FieldError(("contact", n), _("Not a contact of this account"), ref))
    if errors:
        raise InvalidInput(_("Invite the account's own contacts"), errors)
    return found


def _reply(
    session: Session, invitee: MeetingInvitee, contact: Contact, now: datetime
) -> MeetingReply:
    meeting = _meeting(session, invitee.meeting_id)
    state = "open"
    if meeting.status is MeetingStatus.CANCELLED:
        state = "cancelled"
    elif meeting.status is MeetingStatus.HELD or meeting.starts_at <= now:
        state = "past"
    return MeetingReply(
        state=state,
        account=accounts.get(session, meeting.account_id).name,
        contact=contact.name,
        locale=meeting.locale,
        meeting=get_meeting(session, meeting.id),
        rsvp=invitee.rsvp,
    )


def _reply_invitee(
    session: Session, secret: str, link: str
) -> tuple[MeetingInvitee, Contact] | None:
    read = read_reply(secret, link)
    if read is None:
        return None
    invitee = MeetingRepository(session).invitee(read[0])
    if invitee is None or invitee.token is None or invitee.uninvited_at is not None:
        return None
    if not secrets.compare_digest(invitee.token, read[1]):
        return None
    contact = MeetingRepository(session).contact(invitee.contact_id)
    return None if contact is None else (invitee, contact)


def _reinvite(
    session: Session,
    meeting: OnboardingMeeting,
    invitees: list[MeetingInvitee],
    contact_ids: list[int],
    now: datetime,
) -> bool:
    """Make the meeting's invitees ``contact_ids``; whether that changed anyone."""
    wanted = {c.id for c in _contacts(session, meeting.account_id, contact_ids)}
    changed = False
    by_contact = {i.contact_id: i for i in invitees}
    for invitee in invitees:
        if invitee.contact_id not in wanted and invitee.uninvited_at is None:
            invitee.uninvited_at, invitee.token = now, None
            changed = True
        elif invitee.contact_id in wanted and invitee.uninvited_at is not None:
            invitee.uninvited_at, invitee.token = None, secrets.token_urlsafe(24)
            invitee.rsvp, invitee.rsvp_at, invitee.attended = Rsvp.PENDING, None, None
            changed = True
    for contact_id in sorted(wanted - set(by_contact)):
        session.add(_invitee(meeting.id, contact_id))
        changed = True
    return changed


def _invitee(meeting_id: int, contact_id: int) -> MeetingInvitee:
    return MeetingInvitee(
        meeting_id=meeting_id,
        contact_id=contact_id,
        rsvp=Rsvp.PENDING,
        token=secrets.token_urlsafe(24),
    )


def _contacts(session: Session, account_id: int, contact_ids: Sequence[int]) -> list[Contact]:
    """The account's contacts of ``contact_ids``; InvalidInput naming any other."""
    found = MeetingRepository(session).contacts(account_id, list(set(contact_ids)))
    known = {c.id for c in found}
    errors = [
        FieldError(("contact_ids", n), _("Not a contact of this account"), cid)
        for n, cid in enumerate(contact_ids)
        if cid not in known
    ]
    if errors:
        raise InvalidInput(_("Invite the account's own contacts"), errors)
    return sorted(found, key=lambda c: c.id)


def _read(session: Session, meetings: Sequence[OnboardingMeeting]) -> list[MeetingRead]:
    invited: dict[int, list[InviteeRead]] = {m.id: [] for m in meetings}
    for invitee, contact in MeetingRepository(session).invitees_of(list(invited)):
        if invitee.uninvited_at is None:
            invited[invitee.meeting_id].append(
                InviteeRead(
                    contact_id=contact.id,
                    name=contact.name,
                    email=contact.email,
                    rsvp=invitee.rsvp,
                    rsvp_at=invitee.rsvp_at,
                    attended=invitee.attended,
                )
            )
    return [
        MeetingRead(
            id=m.id,
            account_id=m.account_id,
            onboarding_id=m.onboarding_id,
            kind=m.kind,
            title=m.title,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            place=m.place,
            status=m.status,
            uid=m.uid,
            sequence=m.sequence,
            locale=m.locale,
            invitees=invited[m.id],
        )
        for m in meetings
    ]


def _with_contacts(session: Session, meeting_id: int) -> list[tuple[MeetingInvitee, Contact]]:
    return [
        (i, c)
        for i, c in MeetingRepository(session).invitees_of([meeting_id])
        if i.uninvited_at is None
    ]


def _invitees(session: Session, meeting_id: int) -> list[MeetingInvitee]:
    return [i for i, _c in MeetingRepository(session).invitees_of([meeting_id])]


def _meeting(session: Session, meeting_id: int) -> OnboardingMeeting:
    meeting = MeetingRepository(session).get(meeting_id)
    if meeting is None:
        raise NotFound(_("Meeting {id} not found", id=meeting_id))
    return meeting


def _open_meeting(session: Session, meeting_id: int) -> OnboardingMeeting:
    meeting = _meeting(session, meeting_id)
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled meeting can be changed"))
    return meeting


def _label(kind: MeetingKind, locale: str) -> str:
    return label(kind).render(locale)
