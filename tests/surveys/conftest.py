"""A small company to survey, a real local SMTP server (the playbooks' one) and the
configuration a campaign needs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import ContactRole
from kasasu.kit.mail import MailConfig
from kasasu.models import (
    Account,
    Contact,
    HealthScore,
    Scorecard,
    ScorecardVersion,
    Segment,
    SegmentMember,
    SurveyResponse,
)
from kasasu.surveys.config import SurveyConfig
from tests.playbooks.conftest import Mailbox, smtp

__all__ = ["Mailbox", "smtp"]

SECRET = "survey-test-secret"
NOW = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
DAY = date(2026, 5, 31)


def config_for(port: int, outbox: Path, **changes: object) -> SurveyConfig:
    mail = MailConfig(
        backend="smtp", host="127.0.0.1", port=port, sender="cs@kasasu.test", outbox=outbox
    )
    values: dict[str, object] = {
        "secret": SECRET,
        "base_url": "https://cs.example.jp",
        "locale": "ja",
        "zone": "Asia/Tokyo",
        "mail": mail,
        **changes,
    }
    return SurveyConfig(**values)  # type: ignore[arg-type]  # keyword values of the fields


@dataclass
class World:
    accounts: dict[str, int]
    contacts: dict[str, int]  # by email


def build_world(s: Session) -> World:
    """三葉商事 (ja, plan pro): a champion and a user; Acme (en, plan basic): a decision
    maker; 山田工業 (plan pro, no locale): only users, one without an email. A segment
    "all" holds the three accounts on DAY."""
    accounts: dict[str, int] = {}
    contacts: dict[str, int] = {}
    specs = [
        (
            "三葉商事",
            "pro",
            {"locale": "ja"},
            [
                ("佐藤花子", "hanako@mitsuba.jp", ContactRole.CHAMPION),
                ("鈴木一郎", "ichiro@mitsuba.jp", ContactRole.USER),
            ],
        ),
        (
            "Acme",
            "basic",
            {"locale": "en"},
            [("Jane Doe", "jane@acme.com", ContactRole.DECISION_MAKER)],
        ),
        (
            "山田工業",
            "pro",
            {},
            [
                ("山田太郎", "taro@yamada.jp", ContactRole.USER),
                ("山田次郎", None, ContactRole.USER),
            ],
        ),
    ]
    for name, plan, custom, people in specs:
        account = Account(external_id=f"acc-{name}", name=name, plan=plan, custom_fields=custom)
        s.add(account)
        s.flush()
        accounts[name] = account.id
        for person, email, role in people:
            contact = Contact(
                external_id=f"con-{person}",
                account_id=account.id,
                name=person,
                email=email,
                role=role,
            )
            s.add(contact)
            s.flush()
            contacts[email or person] = contact.id
    segment = Segment(name="all", rule="true")
    card = Scorecard(name="default")
    s.add_all([segment, card])
    s.flush()
    version = ScorecardVersion(scorecard_id=card.id, version=1, definition={})
    s.add(version)
    s.flush()
    for account_id in accounts.values():
        s.add(SegmentMember(segment_id=segment.id, account_id=account_id, entered_on=DAY))
        s.add(
            HealthScore(
                account_id=account_id,
                as_of=DAY,
                scorecard_version_id=version.id,
                score=50.0,
                band="yellow",
                measures=[],
            )
        )
    s.flush()
    return World(accounts, contacts)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def file_config(tmp_path: Path, **changes: object) -> SurveyConfig:
    """Invitations written as .eml files: for tests that look at links, not emails."""
    base = config_for(25, tmp_path, **changes)
    return replace(base, mail=replace(base.mail, backend="file", outbox=tmp_path / "outbox"))


def committed_world(sessions: sessionmaker[Session]) -> World:
    """The world, committed for code under test that opens its own sessions."""
    with sessions() as s:
        built = build_world(s)
        s.commit()
    return built


def response_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(SurveyResponse)) or 0)
