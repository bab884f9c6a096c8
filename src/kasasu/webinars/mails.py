"""Invitations and reminders about events, by email (kasasu.kit.mail, as the playbooks' and
the onboarding reminders' emails go): an invitation with the personal registration link to
each contact invited, and a reminder with the join link ``reminder_hours`` before the start
to each contact holding a seat.

Each email is recorded in ``webinar_mails`` under a unique key (registration, kind) in the
same savepoint as it is sent: a second run, or a second worker at the same time, sends
nothing again; a refused send is rolled back and tried on the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kasasu.contacts.language import contact_language
from kasasu.kit.i18n import _
from kasasu.kit.mail import DeliveryError, MailConfig, send_email
from kasasu.kit.types import local_text
from kasasu.models import Webinar, WebinarMail, WebinarRegistration
from kasasu.webinars.links import sign_link
from kasasu.webinars.repository import MailRepository, RegistrationRepository

Send = Callable[[Mapping[str, Any], str, MailConfig], dict[str, Any]]


@dataclass(frozen=True)
class EventMailConfig:
    secret: str  # signs the registration links
    base_url: str  # links point to {base_url}/e/{link}
    locale: str  # the customer's language when neither the contact nor the account names one
    zone: str  # times are shown in it
    mail: MailConfig


class MailOutcome(BaseModel):
    sent: int = 0
    failed: int = 0  # refused by the mail server: tried again next run
    skipped: int = 0  # sent meanwhile by another worker

    def add(self, what: Literal["sent", "failed", "skipped"]) -> None:
        setattr(self, what, getattr(self, what) + 1)


def send_event_mails(
    session: Session,
    now: datetime,
    config: EventMailConfig,
    *,
    send: Send = send_email,
    checkpoint: Callable[[], None] | None = None,
) -> MailOutcome:
    """Send every invitation and reminder due now; ``checkpoint`` (the caller's commit)
    runs after each, so a stopped run never sends one twice."""
    outcome = MailOutcome()
    repo = RegistrationRepository(session)
    for registration, webinar, kind in MailRepository(session).owed(now):
        contact = repo.contact(registration.contact_id)
        if contact is None or not contact.email:
            continue
        locale = contact_language(contact, repo.account(contact.account_id), config.locale)
        payload = _payload(config, webinar, registration, contact.email, kind, locale=locale)
        key = f"webinar-{kind}-{registration.id}"
        row = WebinarMail(registration_id=registration.id, kind=kind, sent_at=now)
        outcome.add(_deliver(session, row, partial(send, payload, key, config.mail)))
        if checkpoint is not None:
            checkpoint()
    return outcome


def _deliver(
    session: Session, record: WebinarMail, send: Callable[[], object]
) -> Literal["sent", "failed", "skipped"]:
    """Record, send, keep: the record and the send stand or fall together."""
    point = session.begin_nested()
    try:
        session.add(record)
        session.flush()
    except IntegrityError:
        point.rollback()
        return "skipped"
    try:
        send()
    except DeliveryError:
        point.rollback()
        return "failed"
    point.commit()
    return "sent"


def _payload(
    config: EventMailConfig,
    webinar: Webinar,
    registration: WebinarRegistration,
    to: str,
    kind: str,
    *,
    locale: str,
) -> dict[str, Any]:
    title = local_text(webinar.title, locale)
    when = format_datetime(webinar.starts_at, "medium", tzinfo=ZoneInfo(config.zone), locale=locale)
    link = sign_link(config.secret, registration.id, registration.token)
    page = f"{config.base_url.rstrip('/')}/e/{link}"
    about = local_text(webinar.description, locale).strip()
    if kind == "invitation":
        subject = _("Invitation: {title}", title=title)
        lines = [
            _("You are invited to {title} on {when}.", title=title, when=when).render(locale),
            *(["", about] if about else []),
            "",
            _("Register here: {url}", url=page).render(locale),
        ]
    else:
        subject = _("Reminder: {title} on {when}", title=title, when=when)
        lines = [
            _("{title} starts on {when}.", title=title, when=when).render(locale),
            _("Join here: {url}", url=webinar.join_url).render(locale) if webinar.join_url else "",
            "",
            _("Cannot come? Cancel your seat here: {url}", url=page).render(locale),
        ]
    body = "\n".join(lines).strip() + "\n"
    return {"to": [to], "subject": subject.render(locale), "body": body, "locale": locale}
