"""A tiny customer base for events: two accounts (ACME, BETA) with contacts, one segment,
and an event of 20 Nov 2026, 14:00-15:00 in Tokyo (05:00-06:00 UTC); the playbooks' local
SMTP server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from kasasu.models import Account, Contact, Segment, SegmentMember
from kasasu.webinars.schemas import Title, WebinarCreate, WebinarRead
from kasasu.webinars.service import create_webinar
from tests.playbooks.conftest import Mailbox, smtp

__all__ = ["Mailbox", "smtp"]

STARTS = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
ENDS = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)


@dataclass
class World:
    acme: Account
    beta: Account
    people: dict[str, Contact]  # by the part of the address before @
    webinar: WebinarRead


def _contact(session: Session, account: Account, name: str, email: str | None) -> Contact:
    contact = Contact(external_id=f"c-{name}", account_id=account.id, name=name, email=email)
    session.add(contact)
    return contact


@pytest.fixture
def world(session: Session) -> World:
    acme = Account(external_id="ACME", name="ACME株式会社")
    beta = Account(external_id="BETA", name="Beta Inc.")
    session.add_all([acme, beta])
    session.flush()
    people = {
        "alice": _contact(session, acme, "山田 花子", "alice@acme.example"),
        "bob": _contact(session, acme, "Bob Baker", "Bob@Acme.example"),
        "carol": _contact(session, beta, "佐藤 キャロル", "carol@beta.example"),
        "dave": _contact(session, beta, "Dave Davis", "dave@beta.example"),
        "nomail": _contact(session, beta, "No Mail", None),
    }
    segment = Segment(name="low-touch", rule="true")
    session.add(segment)
    session.flush()
    session.add_all(
        [
            SegmentMember(segment_id=segment.id, account_id=a.id, entered_on=date(2026, 11, 1))
            for a in (acme, beta)
        ]
    )
    session.flush()
    webinar = create_webinar(
        session,
        WebinarCreate(
            title=Title(ja="ヘルススコア入門", en="Health scores 101"),
            starts_at=STARTS,
            ends_at=ENDS,
            join_url="https://zoom.example/j/1",
            recording_url="https://video.example/rec/1",
        ),
    )
    return World(acme, beta, people, webinar)
