"""Signing in to the portal by an emailed link (through a real local SMTP server): the link
works once, expires, never tells whether an email is known, and is throttled; signing in
from the product by the SDK's signed identity; signing out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.guides.identity import portal_signature_of, signature_of
from kasasu.guides.schemas import EnvironmentCreate
from kasasu.guides.service import create_environment
from kasasu.kit.tokens import token_hash
from kasasu.models import PortalLink, PortalSession
from kasasu.portal.config import SESSION_COOKIE
from kasasu.portal.signin import forget_expired, request_link
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import BASE, link_in, portal_config, sign_in_as
from tests.portal.data import Companies
from tests.web.conftest import csrf


def _ask(client: TestClient, email: str) -> str:
    token = csrf(client.get("/portal/sign-in").text)
    response = client.post("/portal/sign-in", data={"email": email, "csrf_token": token})
    assert response.status_code == 200, response.text
    return response.text


def test_a_link_arrives_by_mail_and_signs_in_once(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    mailbox, _port = smtp
    _ask(portal, "alice@ACME.example")  # any case
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "Alice@Acme.example"
    assert "Acme Care ポータル" in mail["Subject"]
    link = link_in(mail)
    with sessions() as s:  # only the hash is kept
        stored = s.scalars(select(PortalLink.token_hash)).all()
    assert stored == [token_hash(link)]
    assert link not in stored
    opened = portal.get(f"/portal/sign-in/{link}")  # a mail scanner's GET spends nothing
    assert opened.status_code == 200
    assert portal.get("/portal").status_code == 303  # not signed in yet
    token = csrf(opened.text)
    first = portal.post(f"/portal/sign-in/{link}", data={"csrf_token": token})
    assert first.status_code == 303
    assert first.headers["location"] == "/portal"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "Path=/portal" in cookie
    assert "kasasu_session=" not in cookie  # the staff's session is another cookie
    home = portal.get("/portal")
    assert home.status_code == 200
    assert "Alice" in home.text
    assert "Acme 株式会社" in home.text
    again = portal.post(f"/portal/sign-in/{link}", data={"csrf_token": token})
    assert again.status_code == 410
    assert "This sign-in link is not valid" in again.text


def test_the_answer_is_the_same_for_unknown_and_departed_emails(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    mailbox, _port = smtp
    known = _ask(portal, "bob@beta.example")
    unknown = _ask(portal, "nobody@nowhere.example")
    departed = _ask(portal, "gone@acme.example")  # left the company: no link

    def strip(page: str, email: str) -> str:
        return page.replace(email, "EMAIL").split('name="csrf_token"')[0]

    assert strip(known, "bob@beta.example") == strip(unknown, "nobody@nowhere.example")
    assert strip(known, "bob@beta.example") == strip(departed, "gone@acme.example")
    assert [m["To"] for m in mailbox.messages] == ["bob@beta.example"]


def test_an_expired_link_fails(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session], tmp_path: object,
) -> None:  # fmt: skip
    mailbox, port = smtp
    config = portal_config(port, tmp_path / "out")  # type: ignore[operator] - a Path
    sixteen_minutes_ago = datetime.now(UTC) - timedelta(minutes=16)  # links live 15
    with sessions() as s:
        asked = request_link(s, config, "bob@beta.example", address="203.0.113.9",
                             now=sixteen_minutes_ago, locale="en")  # fmt: skip
        s.commit()
    assert asked.deliver is not None
    assert asked.deliver()
    link = link_in(mailbox.messages[-1])
    token = csrf(portal.get(f"/portal/sign-in/{link}").text)
    assert portal.post(f"/portal/sign-in/{link}", data={"csrf_token": token}).status_code == 410
    assert portal.get("/portal").status_code == 303


def test_a_forged_link_fails(portal: TestClient, companies: Companies) -> None:
    token = csrf(portal.get("/portal/sign-in/forged").text)
    assert portal.post("/portal/sign-in/" + "x" * 43, data={"csrf_token": token}).status_code == 410


@pytest.mark.parametrize("portal_limits", [{"per_email": 2, "per_address": 100}])
def test_links_per_email_stop_silently(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    mailbox, _port = smtp
    pages = [_ask(portal, "bob@beta.example") for _ in range(3)]
    assert len(mailbox.messages) == 2  # the third request sends nothing ...
    assert "Check your email" in pages[2]  # ... and says the same


@pytest.mark.parametrize("portal_limits", [{"per_email": 100, "per_address": 3}])
def test_link_requests_per_address_are_throttled(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    for n in range(3):
        _ask(portal, f"someone{n}@nowhere.example")
    token = csrf(portal.get("/portal/sign-in").text)
    refused = portal.post(
        "/portal/sign-in", data={"email": "bob@beta.example", "csrf_token": token}
    )
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert smtp[0].messages == []


def test_a_bad_email_is_named(portal: TestClient) -> None:
    token = csrf(portal.get("/portal/sign-in").text)
    page = portal.post("/portal/sign-in", data={"email": "not an email", "csrf_token": token})
    assert page.status_code == 422
    assert "Enter your email address" in page.text


def test_signing_out_ends_the_session_for_a_copied_cookie_too(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    sign_in_as(portal, smtp[0], "bob@beta.example")
    copied = portal.cookies.get(SESSION_COOKIE, path="/portal")
    assert copied
    token = csrf(portal.get("/portal").text)
    out = portal.post("/portal/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert out.headers["location"] == "/portal/sign-in"
    with sessions() as s:
        assert s.scalars(select(PortalSession)).all() == []
    portal.cookies.set(SESSION_COOKIE, copied, path="/portal")
    assert portal.get("/portal").status_code == 303


ORIGIN = "https://app.example.jp"


@pytest.fixture
def product_secret(sessions: sessionmaker[Session]) -> tuple[str, str]:
    with sessions() as s:
        made, secret = create_environment(s, EnvironmentCreate(name="prod", origins=[ORIGIN]))
        s.commit()
    return made.public_key, secret


def _from_product(client: TestClient, form: dict[str, str], origin: str = ORIGIN) -> object:
    return client.post("/portal/sign-in/product", data=form, headers={"Origin": origin})


def _signed(secret: str, account: str, user: str, ago: int = 0) -> dict[str, str]:
    """The product's server's signature, made ``ago`` seconds before now."""
    issued = int(time.time()) - ago
    return {"issued_at": str(issued),
            "signature": portal_signature_of(secret, account, user, issued)}  # fmt: skip


def test_the_product_signs_its_user_in(
    portal: TestClient, companies: Companies, product_secret: tuple[str, str]
) -> None:
    key, secret = product_secret
    form = {"environment": key, "account": "BETA", "user": "c-bob",
            **_signed(secret, "BETA", "c-bob")}  # fmt: skip
    response = _from_product(portal, form)
    assert response.status_code == 303  # type: ignore[attr-defined]
    home = portal.get("/portal")
    assert home.status_code == 200
    assert "Beta 合同会社" in home.text
    by_email = {**form, "user": "bob@beta.example",
                **_signed(secret, "BETA", "bob@beta.example")}  # fmt: skip
    portal.cookies.clear()
    assert _from_product(portal, by_email).status_code == 303  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "origin", "message"),
    [
        ({"signature": "0" * 64}, ORIGIN, "This sign-in from the product is not accepted"),
        ({}, "https://evil.example", "This sign-in from the product is not accepted"),
        ({"account": "ACME"}, ORIGIN, "This sign-in from the product is not accepted"),
        ({"environment": "pk_unknown"}, ORIGIN, "This sign-in from the product is not accepted"),
        # Signed ten minutes ago: seen in a page then, it cannot open a session now.
        ({"ago": "600"}, ORIGIN, "This sign-in from the product is not accepted"),
        # The SDK's own, timeless signature of the user does not open the portal.
        ({"sdk": "yes"}, ORIGIN, "This sign-in from the product is not accepted"),
    ],
)
def test_the_product_sign_in_refuses_what_is_not_signed(
    portal: TestClient, companies: Companies, product_secret: tuple[str, str],
    change: dict[str, str], origin: str, message: str,
) -> None:  # fmt: skip
    key, secret = product_secret
    change = dict(change)  # the parameters are shared by both databases' runs
    ago = int(change.pop("ago", "0"))
    sdk = change.pop("sdk", None)
    form = {"environment": key, "account": "BETA", "user": "c-bob",
            **_signed(secret, "BETA", "c-bob", ago), **change}  # fmt: skip
    if sdk:
        form["signature"] = signature_of(secret, "BETA", "c-bob")
    response = _from_product(portal, form, origin)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    assert portal.get("/portal").status_code == 303


def test_a_signed_user_who_is_no_contact_is_refused_clearly(
    portal: TestClient, companies: Companies, product_secret: tuple[str, str]
) -> None:
    key, secret = product_secret
    for user in ("u-999", "c-alice", "gone@acme.example"):  # unknown; A's contact; B? no
        form = {"environment": key, "account": "BETA", "user": user,
                **_signed(secret, "BETA", user)}  # fmt: skip
        response = _from_product(portal, form)
        assert response.status_code == 403  # type: ignore[attr-defined]
        assert "Your user is not registered with this company" in response.text  # type: ignore[attr-defined]
    assert BASE  # the links of this module's config point there


def test_ended_links_and_sessions_are_deleted_by_the_daily_housekeeping(
    portal: TestClient,
    smtp: tuple[Mailbox, int],
    companies: Companies,
    sessions: sessionmaker[Session],
) -> None:
    sign_in_as(portal, smtp[0], "alice@acme.example")
    assert portal.get("/portal").status_code == 200
    with sessions() as s:
        assert forget_expired(s, datetime.now(UTC)) == 0  # nothing has ended yet
        # A month on: the session (hours) has ended, the used link (minutes) a day ago too.
        assert forget_expired(s, datetime.now(UTC) + timedelta(days=30)) == 2
        s.commit()
    assert portal.get("/portal").status_code == 303
