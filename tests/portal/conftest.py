"""The portal's pages on the test database with a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from kasasu.api.context import ApiContext
from kasasu.api.portal import create_portal_api
from kasasu.community.config import CommunityConfig, CommunityGuard, CommunityLimits
from kasasu.domain.reporting import Reporting
from kasasu.kit.mail import MailConfig
from kasasu.portal.config import SESSION_COOKIE, Branding, PortalConfig, PortalGuard, PortalLimits
from kasasu.surveys.config import SurveyConfig
from kasasu.web.context import WebContext
from tests.community.data import loose_guard
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


@pytest.fixture
def community_limits() -> CommunityLimits:
    """The portal API's flood limits; a test parametrizes the fixture to meet them."""
    return loose_guard().limits


Contact = Callable[[str], TestClient]


@pytest.fixture
def as_contact(
    portal: TestClient, smtp: tuple[Mailbox, int], sessions: sessionmaker[Session],
    tmp_path: Path, portal_limits: dict[str, int], community_limits: CommunityLimits,
) -> Iterator[Contact]:  # fmt: skip
    """A client of the portal API (in the browser's session, as the server mounts it)
    signed in as the contact with that email, sending the session's CSRF token."""
    config = portal_config(smtp[1], tmp_path / "outbox", **portal_limits)
    community = CommunityConfig(CommunityGuard(community_limits))
    ctx = ApiContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en"),
                     portal=config, community=community)  # fmt: skip
    app = create_portal_api(ctx)
    app.add_middleware(SessionMiddleware, secret_key="test-secret", https_only=False)
    with ExitStack() as clients:

        def signed_in(email: str) -> TestClient:
            sign_in_as(portal, smtp[0], email)
            client = clients.enter_context(TestClient(app, base_url="http://testserver"))
            client.cookies.set(
                SESSION_COOKIE, portal.cookies.get(SESSION_COOKIE, path="/portal") or ""
            )
            client.headers["X-CSRF-Token"] = client.get("/csrf").json()["token"]
            return client

        yield signed_in
