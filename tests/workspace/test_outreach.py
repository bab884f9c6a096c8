"""An email to a contact is sent and logged together, or neither (world of
tests/surveys/conftest.py)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.kit.mail import MailConfig
from kasasu.models import Activity
from kasasu.workspace.outreach import EmailToContact, email_contact
from tests.surveys.conftest import build_world


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def test_a_failed_send_is_an_error_and_the_log_rolls_back(session: Session, tmp_path: Path) -> None:
    world = build_world(session)
    session.commit()
    mail = MailConfig(
        backend="smtp",
        host="127.0.0.1",
        port=_dead_port(),
        sender="cs@x.test",
        outbox=tmp_path,
        timeout=2,
    )
    email = EmailToContact(
        contact_id=world.contacts["hanako@mitsuba.jp"], subject="件名", body="本文"
    )
    with pytest.raises(InvalidInput) as failed:
        email_contact(
            session, world.accounts["三葉商事"], email, user_id=None, mail=mail, locale="ja"
        )
    assert "メールを送信できませんでした" in failed.value.message.render("ja")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_the_file_backend_writes_the_email_and_logs_it(session: Session, tmp_path: Path) -> None:
    world = build_world(session)
    mail = MailConfig(backend="file", host="", port=0, sender="cs@x.test", outbox=tmp_path)
    email = EmailToContact(contact_id=world.contacts["jane@acme.com"], subject="Hello", body="Body")
    logged = email_contact(
        session, world.accounts["Acme"], email, user_id=None, mail=mail, locale="en"
    )
    written = list(tmp_path.glob("*.eml"))
    assert [p.name for p in written] == [
        f"account-{world.accounts['Acme']}-activity-{logged.id}.eml"
    ]
    assert "To: jane@acme.com" in written[0].read_text()
