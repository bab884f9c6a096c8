"""Invitations and reminders through a real local SMTP server: each once, in the
contact's language, with the personal link that registers."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.domain.choices import Language
from kasasu.kit.mail import MailConfig
from kasasu.webinars.mails import EventMailConfig, send_event_mails
from kasasu.webinars.service import get_webinar, invite_contacts, register_by_link
from tests.webinars.conftest import BEFORE, STARTS, Mailbox, World

SECRET = "a-secret-of-at-least-32-characters!!"


def _config(port: int, tmp_path: Path) -> EventMailConfig:
    mail = MailConfig("smtp", "127.0.0.1", port, "cs@vendor.jp", tmp_path / "outbox")
    return EventMailConfig(SECRET, "http://kasasu.test", "ja", "Asia/Tokyo", mail)


def test_invitation_then_reminder_each_once(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = _config(port, tmp_path)
    people = world.people
    people["bob"].locale = Language.EN  # Bob reads English; Alice, the installation's Japanese
    invite_contacts(session, world.webinar.id, [people["alice"].id, people["bob"].id], BEFORE)
    assert send_event_mails(session, BEFORE, config).sent == 2
    assert send_event_mails(session, BEFORE, config).sent == 0  # once
    alice = next(m for m in mailbox.messages if m["To"] == "alice@acme.example")
    assert alice["Subject"] == "ご案内：ヘルススコア入門"
    bob = next(m for m in mailbox.messages if m["To"] == "Bob@Acme.example")
    assert bob["Subject"] == "Invitation: Health scores 101"
    body = alice.get_content()
    # 14:00 in Tokyo, not the stored 05:00 UTC.
    assert body.startswith("2026/11/20 14:00:00 開催の「ヘルススコア入門」にご招待します。")
    link = re.search(r"http://kasasu\.test/e/(\S+)", body)
    assert link is not None
    register_by_link(session, SECRET, link.group(1), BEFORE, None)
    assert get_webinar(session, world.webinar.id, BEFORE).counts.registered == 1

    # 25 hours before: no reminder yet; 23 hours before: Alice's (Bob did not register).
    assert send_event_mails(session, STARTS - timedelta(hours=25), config).sent == 0
    soon = STARTS - timedelta(hours=23)
    assert send_event_mails(session, soon, config).sent == 1
    assert send_event_mails(session, soon, config).sent == 0
    reminder = mailbox.messages[-1]
    assert reminder["To"] == "alice@acme.example"
    assert "https://zoom.example/j/1" in reminder.get_content()
    assert len(mailbox.messages) == 3


def test_a_refused_send_is_tried_again(session: Session, world: World, tmp_path: Path) -> None:
    closed = _config(1, tmp_path)  # nothing listens on port 1
    invite_contacts(session, world.webinar.id, [world.people["alice"].id], BEFORE)
    outcome = send_event_mails(session, BEFORE, closed)
    assert (outcome.sent, outcome.failed) == (0, 1)
    outcome = send_event_mails(session, BEFORE, closed)
    assert outcome.failed == 1  # still owed, not recorded as sent
