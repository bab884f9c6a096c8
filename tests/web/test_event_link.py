"""The emailed event link (/e/{link}) on SQLite and PostgreSQL: the invitation's link opens
the event, registers once however often it is pressed, cancels; a forged link opens nothing;
a full event without a waiting list and an event over say so."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import ActivityKind
from kasasu.domain.choices import RegistrationStatus as S
from kasasu.domain.reporting import Reporting
from kasasu.kit.mail import MailConfig
from kasasu.models import Activity, WebinarRegistration
from kasasu.onboarding.config import ReminderConfig
from kasasu.web.context import WebContext
from kasasu.webinars.links import sign_link
from kasasu.webinars.mails import EventMailConfig, send_event_mails
from kasasu.webinars.schemas import Title, WebinarCreate, WebinarUpdate
from kasasu.webinars.service import create_webinar, invite_segment, update_webinar
from tests.web.conftest import csrf
from tests.webinars.conftest import World, world

__all__ = ["world"]  # the fixture, shared with tests/webinars

SECRET = "an-event-link-secret-of-32-chars!!"
STARTS = datetime(2031, 3, 10, 5, 0, tzinfo=UTC)
NOW = datetime(2031, 3, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def client(
    web_app: FastAPI, sessions: sessionmaker[Session], tmp_path: Path
) -> Iterator[TestClient]:
    mail = MailConfig("file", "", 0, "cs@vendor.jp", tmp_path / "outbox")
    reminders = ReminderConfig(SECRET, "https://kasasu.test", "en", "Asia/Tokyo", mail)
    web_app.state.kasasu_web = WebContext(sessions, tmp_path / "events.duckdb",
                                          Reporting(locale="en"), reminders=reminders)  # fmt: skip
    with TestClient(web_app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


def _upcoming(session: Session) -> int:
    made = create_webinar(
        session,
        WebinarCreate(title=Title(ja="新機能説明会", en="What's new"), starts_at=STARTS,
                      ends_at=STARTS.replace(hour=6),
                      description={"ja": "", "en": "**Agenda** <a href='javascript:x()'>x</a>"}),
    )  # fmt: skip
    return made.id


def _emailed_links(session: Session) -> dict[str, str]:
    """The invitations' links, as the emails carry them, by address."""
    sent: dict[str, str] = {}

    def keep(payload: Mapping[str, Any], _key: str, _mail: MailConfig) -> dict[str, Any]:
        found = re.search(r"https://kasasu\.test/e/(\S+)", payload["body"])
        assert found is not None
        sent[payload["to"][0]] = found.group(1)
        return {}

    mail = MailConfig("file", "", 0, "cs@vendor.jp", Path("unused"))
    config = EventMailConfig(SECRET, "https://kasasu.test", "en", "Asia/Tokyo", mail)
    send_event_mails(session, NOW, config, send=keep)
    return sent


def test_the_emailed_link_registers_once_and_cancels(
    client: TestClient, session: Session, world: World
) -> None:
    event = _upcoming(session)
    invite_segment(session, event, "low-touch", NOW.date(), NOW)
    link = _emailed_links(session)["alice@acme.example"]
    session.commit()
    page = client.get(f"/e/{link}?lang=en")
    assert page.status_code == 200
    assert "What&#39;s new" in page.text
    assert "<strong>Agenda</strong>" in page.text
    assert "javascript:" not in page.text  # the description is sanitised
    assert 'value="register"' in page.text
    token = csrf(page.text)
    for _ in range(2):  # pressed twice: one registration
        done = client.post(f"/e/{link}", data={"csrf_token": token, "action": "register"})
        assert done.status_code == 200
        assert "You are registered" in done.text
    alice = world.people["alice"].id
    rows = session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == event)
    ).all()
    mine = [r for r in rows if r.contact_id == alice]
    assert [(r.status, r.source) for r in mine] == [(S.REGISTERED, "segment")]
    assert [r.status for r in rows if r.contact_id != alice] == [S.INVITED] * 3
    registered = select(func.count(Activity.id)).where(
        Activity.kind == ActivityKind.EVENT_REGISTRATION, Activity.contact_id == alice
    )
    assert session.scalar(registered) == 1
    gone = client.post(f"/e/{link}", data={"csrf_token": token, "action": "cancel"})
    assert "Your registration is cancelled." in gone.text
    session.expire_all()
    assert session.get(WebinarRegistration, mine[0].id).status is S.CANCELLED  # type: ignore[union-attr]  # found above


def test_a_forged_link_opens_nothing(client: TestClient, session: Session, world: World) -> None:
    event = _upcoming(session)
    invite_segment(session, event, "low-touch", NOW.date(), NOW)
    row = session.scalars(select(WebinarRegistration).limit(1)).one()
    session.commit()
    forged = sign_link("another-secret-of-32-characters!!!", row.id, row.token)
    assert client.get(f"/e/{forged}").status_code == 404
    page = client.get(f"/e/{sign_link(SECRET, row.id, row.token)}")
    token = csrf(page.text)
    refused = client.post(f"/e/{forged}", data={"csrf_token": token, "action": "register"})
    assert refused.status_code == 404
    assert session.get(WebinarRegistration, row.id).status is S.INVITED  # type: ignore[union-attr]  # found above


def test_full_and_over_are_said(client: TestClient, session: Session, world: World) -> None:
    event = _upcoming(session)
    update_webinar(session, event, WebinarUpdate(capacity=1, waitlist=False))
    invite_segment(session, event, "low-touch", NOW.date(), NOW)
    links = _emailed_links(session)
    session.commit()
    token = csrf(client.get(f"/e/{links['alice@acme.example']}").text)
    first = client.post(f"/e/{links['alice@acme.example']}",
                        data={"csrf_token": token, "action": "register"})  # fmt: skip
    assert "You are registered" in first.text
    full = client.post(f"/e/{links['carol@beta.example']}",
                       data={"csrf_token": token, "action": "register"})  # fmt: skip
    assert full.status_code == 409
    assert "This event is full" in full.text
    over = client.get(f"/e/{sign_link(SECRET, *_place(session, world))}?lang=en")
    assert "This event is over." in over.text  # the fixture's event, 20 Nov 2026
    assert 'value="register"' not in over.text


def _place(session: Session, world: World) -> tuple[int, str]:
    invite_segment(
        session, world.webinar.id, "low-touch", NOW.date(), datetime(2026, 11, 1, tzinfo=UTC)
    )
    row = session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == world.webinar.id)
    ).first()
    assert row is not None
    session.commit()
    return row.id, row.token
