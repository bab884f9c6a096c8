"""An account on the standard plan (contract from 2026-11-01) with its people, and a real
local SMTP server's mail taken apart: the text, the calendar part, the reply links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from icalendar import Calendar
from sqlalchemy.orm import Session

from kasasu.domain.choices import ContactRole
from kasasu.kit.mail import MailConfig
from kasasu.models import Contact
from kasasu.onboarding.config import ReminderConfig
from kasasu.onboarding.repository import OnboardingRepository
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import start_onboarding
from tests.onboarding.world import account_on_contract

SECRET = "meeting-test-secret"
BASE = "https://cs.example.jp"


@dataclass
class Customer:
    account_id: int
    champion: int  # 田中一郎, champion, tanaka@kaede.jp
    user: int  # Sam Smith, user, sam@kaede.jp
    no_email: int  # 佐藤, user, no email


def customer(
    session: Session,
    name: str = "楓商事",
    locale: str | None = None,
    start: date = date(2026, 11, 1),
) -> Customer:
    """Its plan's customer steps fall due 21, 35 and 45 days after ``start``."""
    account_id = account_on_contract(session, name, "Standard", start)
    start_onboarding(session, account_id, OnboardingStart(), by=None, locale="ja", today=start)
    if locale is not None:
        plan = OnboardingRepository(session).of_account(account_id)
        assert plan is not None
        plan.locale = locale
    ids = []
    for person, email, role in (
        ("田中一郎", "tanaka@kaede.jp", ContactRole.CHAMPION),
        ("Sam Smith", "sam@kaede.jp", ContactRole.USER),
        ("佐藤", None, ContactRole.USER),
    ):
        contact = Contact(
            external_id=f"{name}-{person}",
            account_id=account_id,
            name=person,
            email=email,
            role=role,
        )
        session.add(contact)
        session.flush()
        ids.append(contact.id)
    return Customer(account_id, *ids)


def config(port: int, outbox: Path, **changes: int) -> ReminderConfig:
    mail = MailConfig(
        backend="smtp", host="127.0.0.1", port=port, sender="cs@kasasu.test", outbox=outbox
    )
    return ReminderConfig(
        secret=SECRET, base_url=BASE, locale="ja", zone="Asia/Tokyo", mail=mail, **changes
    )


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")  # as sent over SMTP: CRLF


def calendar_of(message: EmailMessage) -> tuple[str, Calendar]:
    """The text/calendar alternative (as sent) and the parsed invite.ics attachment, which
    must say the same."""
    parts = {p.get_content_type(): p for p in message.walk()}
    raw = str(parts["text/calendar"].get_content()).replace("\r\n", "\n")
    attached = parts["application/ics"]
    assert attached.get_filename() == "invite.ics"
    assert attached.get_content().decode().replace("\r\n", "\n") == raw
    assert parts["text/calendar"].get_param("method") in ("REQUEST", "CANCEL")
    return raw, Calendar.from_ical(raw)


def reply_links(message: EmailMessage) -> tuple[str, str]:
    found = re.findall(rf"{re.escape(BASE)}(/m/[^\s?]+\?answer=(?:yes|no))", text_of(message))
    assert len(found) == 2, found
    return found[0], found[1]
