"""Reaching the account's people from its page: an email through the mail backend (logged
on the timeline as the email it was), an invitation to the next survey of a kind, and a
contact marked as gone from the company."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.activities.schemas import ActivityCreate, ActivityRead
from kasasu.activities.service import activities
from kasasu.contacts.schemas import ContactRead, ContactUpdate
from kasasu.contacts.service import contacts
from kasasu.domain.choices import ActivityKind, SurveyKind
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.mail import DeliveryError, MailConfig, send_email
from kasasu.kit.types import INPUT_CONFIG, LongText, RowId, ShortText
from kasasu.surveys.campaigns import enrol_contacts


class EmailToContact(BaseModel):
    model_config = INPUT_CONFIG

    contact_id: RowId
    subject: ShortText = Field(min_length=1)
    body: LongText = Field(min_length=1)


def _contact(session: Session, account_id: int, contact_id: int) -> ContactRead:
    try:
        found = contacts.get(session, contact_id)
    except NotFound:
        found = None
    if found is None or found.account_id != account_id:
        reason = _("Not a contact of this account")
        raise InvalidInput(reason, [FieldError(("contact_id",), reason, contact_id)])
    return found


def email_contact(
    session: Session,
    account_id: int,
    email: EmailToContact,
    *,
    user_id: int | None,
    mail: MailConfig,
    locale: str,
) -> ActivityRead:
    """Send the email and log it on the timeline, both or neither: the activity is written
    first and the send's failure undoes it (the request's one transaction)."""
    person = _contact(session, account_id, email.contact_id)
    if not person.email or person.left_on is not None:
        reason = _("This contact cannot be emailed (no address, or left the company)")
        raise InvalidInput(reason, [FieldError(("contact_id",), reason, email.contact_id)])
    logged = activities.create(
        session,
        ActivityCreate(
            account_id=account_id,
            contact_id=person.id,
            user_id=user_id,
            kind=ActivityKind.EMAIL,
            subject=email.subject.strip(),
            body=email.body,
            occurred_at=datetime.now(UTC),
        ),
    )
    payload = {
        "to": [person.email],
        "subject": logged.subject,
        "body": email.body,
        "locale": locale,
    }
    try:
        send_email(payload, f"account-{account_id}-activity-{logged.id}", mail)
    except DeliveryError as exc:
        reason = _("The email could not be sent: {reason}", reason=str(exc))
        raise InvalidInput(reason, [FieldError(("subject",), reason)]) from exc
    return logged


def invite_to_survey(
    session: Session, account_id: int, contact_ids: Sequence[int], kind: SurveyKind, by: str
) -> int:
    """Invitations for the next campaign of ``kind``; how many (see enrol_contacts for
    whom it skips)."""
    for contact_id in contact_ids:
        _contact(session, account_id, contact_id)
    return enrol_contacts(session, account_id, contact_ids, kind, source=f"account-page:{by}")


def mark_left(session: Session, account_id: int, contact_id: int, day: date) -> ContactRead:
    """The contact left the company on ``day``: kept for the history, asked no more."""
    _contact(session, account_id, contact_id)
    return contacts.update(session, contact_id, ContactUpdate(left_on=day))
