"""The customer's reminders, by email in their language: each meeting's invitation (again,
updated, at every change; the cancellation when it is called off or a contact is taken off
it) with its .ics, a reminder some hours before it, and to the account's key contacts
(champions, decision makers) their steps due soon and those overdue.

Each email is recorded in ``onboarding_reminders`` under a unique key (what, which, kind,
revision, contact) in the same savepoint as it is sent: a second run, or a second worker at
the same time, sends nothing again (the second insert fails, or waits for the first's commit
and then fails)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kasasu.domain.choices import MeetingStatus
from kasasu.kit.mail import DeliveryError, MailConfig, send_email
from kasasu.kit.types import local_text
from kasasu.models import Contact, MeetingInvitee, OnboardingMeeting, OnboardingReminder
from kasasu.onboarding.calendar import meeting_ics
from kasasu.onboarding.config import ReminderConfig
from kasasu.onboarding.links import sign_reply
from kasasu.onboarding.meeting_repository import MeetingRepository
from kasasu.onboarding.meetings import get_meeting
from kasasu.onboarding.reminder_repository import CustomerStepRepository, ReminderRepository
from kasasu.onboarding.reminder_texts import MeetingMail, meeting_email, steps_email, when_text
from kasasu.onboarding.service import plan_of

Send = Callable[[Mapping[str, Any], str, MailConfig], dict[str, Any]]
Subject = Literal["meeting", "step"]
# An overdue step is reminded only when it fell due within this many days (a plan started
# late, or an installation upgraded, does not send a pile of old steps at once).
OVERDUE_WINDOW_DAYS = 14


@dataclass(frozen=True)
class DueReminder:
    """One email owed to one contact about one meeting or step."""

    subject: Subject
    subject_id: int
    kind: str  # invitation | reminder | cancellation | due_soon | overdue
    revision: int  # the meeting's sequence; 0 for steps
    contact_id: int
    account_id: int


class ReminderOutcome(BaseModel):
    sent: int = 0  # emails sent
    failed: int = 0  # emails the mail server refused (tried again next run)
    skipped: int = 0  # emails another worker sent first

    def add(self, what: Literal["sent", "failed", "skipped"]) -> None:
        setattr(self, what, getattr(self, what) + 1)


def due_reminders(session: Session, now: datetime, config: ReminderConfig) -> list[DueReminder]:
    """Every email owed now and not yet sent (meetings first, then steps)."""
    return _meetings_due(session, now, config) + _steps_due(session, now, config)


def send_reminders(
    session: Session,
    now: datetime,
    config: ReminderConfig,
    *,
    send: Send = send_email,
    checkpoint: Callable[[], None] | None = None,
) -> ReminderOutcome:
    """Send what :func:`due_reminders` finds: one email per contact and meeting (an
    invitation due with its reminder is one email), one per contact and account for steps.
    ``checkpoint`` (the caller's commit) runs after each email, so that a stopped run never
    sends one twice."""
    groups: dict[tuple[str, int, int], list[DueReminder]] = defaultdict(list)
    for due in due_reminders(session, now, config):
        which = due.subject_id if due.subject == "meeting" else due.account_id
        groups[due.subject, which, due.contact_id].append(due)
    outcome = ReminderOutcome()
    for (subject, which, contact_id), owed in groups.items():
        contact = MeetingRepository(session).contact(contact_id)
        if contact is None or not contact.email:
            continue
        if subject == "meeting":
            payload = _meeting_payload(session, which, contact, owed, now=now, config=config)
        else:
            payload = _steps_payload(session, which, contact, owed, config)
        first = owed[0]
        key = f"onboarding-{subject}-{first.subject_id}-{first.kind}-{first.revision}-{contact_id}"
        outcome.add(
            _deliver(
                session, owed, payload, key, now=now, send=lambda p, k: send(p, k, config.mail)
            )
        )
        if checkpoint is not None:
            checkpoint()
    return outcome


def _deliver(
    session: Session,
    owed: list[DueReminder],
    payload: dict[str, Any],
    key: str,
    *,
    now: datetime,
    send: Callable[[dict[str, Any], str], object],
) -> Literal["sent", "failed", "skipped"]:
    """Record, send, keep: the record and the send stand or fall together."""
    point = session.begin_nested()
    try:
        ReminderRepository(session).add_all(
            [
                OnboardingReminder(
                    subject=d.subject,
                    subject_id=d.subject_id,
                    kind=d.kind,
                    revision=d.revision,
                    contact_id=d.contact_id,
                    sent_at=now,
                )
                for d in owed
            ]
        )
        session.flush()
    except IntegrityError:
        point.rollback()
        return "skipped"
    try:
        send(payload, key)
    except DeliveryError:
        point.rollback()
        return "failed"
    point.commit()
    return "sent"


def _meetings_due(session: Session, now: datetime, config: ReminderConfig) -> list[DueReminder]:
    repo = MeetingRepository(session)
    meetings = {m.id: m for m in repo.to_remind(now)}
    sent = ReminderRepository(session).sent("meeting", list(meetings))
    today = now.astimezone(ZoneInfo(config.zone)).date()
    soon = timedelta(hours=config.meeting_reminder_hours)
    due: list[DueReminder] = []
    for invitee, contact in repo.invitees_of(list(meetings)):
        meeting = meetings[invitee.meeting_id]
        if not _reachable(contact, today):
            continue

        def owed(kind: str, m: OnboardingMeeting = meeting, c: Contact = contact) -> DueReminder:
            return DueReminder("meeting", m.id, kind, m.sequence, c.id, m.account_id)

        mine = [(k, r) for mid, k, r, cid in sent if mid == meeting.id and cid == contact.id]
        invited = [r for k, r in mine if k == "invitation"]
        cancelled = [r for k, r in mine if k == "cancellation"]
        if meeting.status is MeetingStatus.CANCELLED or invitee.uninvited_at is not None:
            if invited and max(cancelled, default=-1) < max(invited):
                due.append(owed("cancellation"))
            continue
        if meeting.sequence not in invited:
            due.append(owed("invitation"))
        reminded = ("reminder", meeting.sequence) in mine
        if meeting.starts_at - soon <= now and not reminded:
            due.append(owed("reminder"))
    return due


def _steps_due(session: Session, now: datetime, config: ReminderConfig) -> list[DueReminder]:
    repo = CustomerStepRepository(session)
    today = now.astimezone(ZoneInfo(config.zone)).date()
    since = today - timedelta(days=OVERDUE_WINDOW_DAYS)
    steps = repo.due_by(today + timedelta(days=config.step_due_days), since)
    sent = ReminderRepository(session).sent("step", [s.id for s in steps])
    people: dict[int, list[Contact]] = defaultdict(list)
    for contact in repo.key_contacts(sorted({s.account_id for s in steps}), today):
        people[contact.account_id].append(contact)
    due: list[DueReminder] = []
    for step in steps:
        kind = "overdue" if step.due_date is not None and step.due_date < today else "due_soon"
        due.extend(
            DueReminder("step", step.id, kind, 0, contact.id, step.account_id)
            for contact in people[step.account_id]
            if (step.id, kind, 0, contact.id) not in sent
        )
    return due


def _reachable(contact: Contact, today: date) -> bool:
    return bool(contact.email) and (contact.left_on is None or contact.left_on > today)


def _meeting_payload(
    session: Session,
    meeting_id: int,
    contact: Contact,
    owed: list[DueReminder],
    *,
    now: datetime,
    config: ReminderConfig,
) -> dict[str, Any]:
    meeting = get_meeting(session, meeting_id)
    kinds = {d.kind for d in owed}
    invitee = _invitee(session, meeting_id, contact.id)
    mail: MeetingMail
    if "cancellation" in kinds:
        mail = "cancellation"
    elif "invitation" in kinds:
        sent = ReminderRepository(session).sent("meeting", [meeting_id])
        before = any(k == "invitation" and c == contact.id for _m, k, _r, c in sent)
        mail = "update" if before else "invitation"
    else:
        mail = "reminder"
    links = None
    if mail != "cancellation" and invitee is not None and invitee.token is not None:
        signed = sign_reply(config.secret, invitee.id, invitee.token)
        base = f"{config.base_url.rstrip('/')}/m/{signed}"
        links = (f"{base}?answer=yes", f"{base}?answer=no")
    subject, body = meeting_email(
        mail=mail,
        name=contact.name,
        meeting=meeting,
        when=when_text(meeting.starts_at, config.zone, meeting.locale),
        links=links,
        locale=meeting.locale,
    )
    method: Literal["REQUEST", "CANCEL"] = "CANCEL" if mail == "cancellation" else "REQUEST"
    ics = meeting_ics(
        meeting, method=method, organizer=config.mail.sender, description=body, now=now
    )
    return {
        "to": [contact.email],
        "subject": subject,
        "body": body,
        "locale": meeting.locale,
        "calendar": {"text": ics, "method": method},
    }


def _steps_payload(
    session: Session,
    account_id: int,
    contact: Contact,
    owed: list[DueReminder],
    config: ReminderConfig,
) -> dict[str, Any]:
    plan = plan_of(session, account_id)
    plans = CustomerStepRepository(session).plans([plan.id] if plan else [])
    locale = (plans[0].locale if plans else None) or config.locale
    titles = {s.id: local_text(s.title, locale) if s.title else s.name for s in plan.steps} if (
        plan
    ) else {}  # fmt: skip
    dues = {s.id: s.due_date for s in plan.steps} if plan else {}
    lines = [
        (titles.get(d.subject_id, ""), dues.get(d.subject_id), d.kind == "overdue")
        for d in sorted(owed, key=lambda d: (dues.get(d.subject_id) or date.max, d.subject_id))
    ]
    subject, body = steps_email(name=contact.name, steps=lines, locale=locale)
    return {"to": [contact.email], "subject": subject, "body": body, "locale": locale}


def _invitee(session: Session, meeting_id: int, contact_id: int) -> MeetingInvitee | None:
    for invitee, _contact in MeetingRepository(session).invitees_of([meeting_id]):
        if invitee.contact_id == contact_id:
            return invitee
    return None
