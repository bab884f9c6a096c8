"""The portal's pages on the test database with a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.reporting import Reporting
from kasasu.kit.mail import MailConfig
from kasasu.portal.config import Branding, PortalConfig, PortalGuard, PortalLimits
from kasasu.surveys.config import SurveyConfig
from kasasu.web.context import WebContext
from tests.playbooks.conftest import Mailbox, smtp
from tests.portal.data import Companies, add_companies
from tests.web.conftest import csrf, web_app

__all__ = ["Mailbox", "smtp", "web_app"]

BASE = "https://portal.example.jp"
LINK = re.compile(re.escape(BASE) + r"/portal/sign-in/([A-Za-z0-9_-]{43})")


def portal_config(port: int, outbox: Path, **limits: int) -> PortalConfig:
    mail = MailConfig(backend="smtp", host="127.0.0.1", port=port, sender="cs@kasasu.test",
                      outbox=outbox)  # fmt: skip
    return PortalConfig(
        base_url=BASE,
        mail=mail,
        branding=Branding(name="Acme Care ポータル", logo_url="/static/logo.png", color="#aa3300"),
        secure_cookie=False,  # the test client speaks http
        guard=PortalGuard(PortalLimits(**limits)),
    )


@pytest.fixture
def companies(sessions: sessionmaker[Session]) -> Companies:
    with sessions() as s:
        found = add_companies(s, datetime.now(UTC))
        s.commit()
    return found


@pytest.fixture
def portal_limits() -> dict[str, int]:
    """The sign-in throttles (PortalLimits' fields); a test parametrizes it to change them."""
    return {}


@pytest.fixture
def portal(
    web_app: FastAPI,
    sessions: sessionmaker[Session],
    smtp: tuple[Mailbox, int],
    tmp_path: Path,
    portal_limits: dict[str, int],
) -> Iterator[TestClient]:
    """A client of the pages whose portal mails go to the local SMTP server."""
    config = portal_config(smtp[1], tmp_path / "outbox", **portal_limits)
    surveys = SurveyConfig(secret="portal-test-secret", base_url=BASE, locale="en",
                           zone="Asia/Tokyo", mail=config.mail)  # fmt: skip
    web_app.state.kasasu_web = WebContext(
        sessions, tmp_path / "events.duckdb", Reporting(locale="en"), surveys=surveys,
        portal=config,
    )  # fmt: skip
    with TestClient(web_app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


def link_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found, body.get_content()
    return found.group(1)


def sign_in_as(client: TestClient, mailbox: Mailbox, email: str) -> None:
    """Ask for a link, take it from the mail, and use it."""
    before = len(mailbox.messages)
    token = csrf(client.get("/portal/sign-in").text)
    client.post("/portal/sign-in", data={"email": email, "csrf_token": token})
    assert len(mailbox.messages) == before + 1
    link = link_in(mailbox.messages[-1])
    token = csrf(client.get(f"/portal/sign-in/{link}").text)
    assert client.post(f"/portal/sign-in/{link}", data={"csrf_token": token}).status_code == 303
