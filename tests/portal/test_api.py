"""The portal's JSON API (a contact's cookie) reads only the contact's company, on SQLite and
PostgreSQL; the staff's announcements API (an API key) writes what the portal shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.api.portal import create_portal_api
from kasasu.domain.choices import Language, Role
from kasasu.domain.reporting import Reporting
from kasasu.models import Announcement, Contact
from kasasu.portal.config import SESSION_COOKIE
from kasasu.surveys.config import SurveyConfig
from tests.conftest import make_key
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import BASE, portal_config, sign_in_as
from tests.portal.data import NOW, Companies


@pytest.fixture
def portal_api(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[TestClient]:
    config = portal_config(25, tmp_path / "outbox")
    surveys = SurveyConfig(secret="portal-test-secret", base_url=BASE, locale="en",
                           zone="Asia/Tokyo", mail=config.mail)  # fmt: skip
    ctx = ApiContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en"), surveys=surveys)
    with TestClient(create_portal_api(ctx), base_url="http://testserver") as client:
        yield client


def _as(api: TestClient, portal: TestClient, mailbox: Mailbox, email: str) -> TestClient:
    sign_in_as(portal, mailbox, email)
    api.cookies.set(SESSION_COOKIE, portal.cookies.get(SESSION_COOKIE, path="/portal") or "")
    return api


ROUTES = ("/me", "/home", "/requests", "/requests?show=all", "/announcements", "/surveys")


def test_without_a_session_every_route_is_401(portal_api: TestClient, companies: Companies) -> None:
    for path in (*ROUTES, f"/announcements/{companies.news_all}"):
        response = portal_api.get(path)
        assert response.status_code == 401, path
        assert response.headers["content-type"] == "application/problem+json"
    portal_api.cookies.set(SESSION_COOKIE, "forged-token")
    assert portal_api.get("/me").status_code == 401


def test_a_contact_reads_only_their_company(
    portal_api: TestClient, portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    api = _as(portal_api, portal, smtp[0], "bob@beta.example")
    me = api.get("/me").json()
    assert (me["account_id"], me["contact_id"], me["via"]) == (companies.b, companies.bob, "link")
    home = api.get("/home").json()
    assert home["viewer"]["account"] == "Beta 合同会社"
    assert [o["title"] for o in home["success"]["objectives"]] == ["Onboard the team"]
    assert home["open_requests"] == 1
    assert home["surveys"] == []
    assert [a["title"] for a in home["announcements"]] == ["Maintenance for everyone"]
    asks = api.get("/requests", params={"show": "all"}).json()
    assert [r["id"] for r in asks["items"]] == [companies.request_b]
    assert api.get(f"/announcements/{companies.news_a_only}").status_code == 404
    assert api.get(f"/announcements/{companies.news_all}").json()["title"] == (
        "Maintenance for everyone"
    )
    everything = "".join(api.get(p).text for p in ROUTES)
    for other in ("Acme", "A-only", "Enterprise-only", "recommend"):
        assert other not in everything, other
    # An account in the query is refused by name: the company comes from the session alone.
    forged = api.get("/requests", params={"account_id": companies.a, "show": "all"})
    assert forged.status_code == 422
    assert "account_id" in forged.text


def test_the_other_contact_reads_theirs(
    portal_api: TestClient, portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    api = _as(portal_api, portal, smtp[0], "alice@acme.example")
    assert [r["id"] for r in api.get("/requests").json()["items"]] == [companies.request_a]
    news = api.get(f"/announcements/{companies.news_a_only}").json()
    assert "script" not in news["html"]
    assert news["html"] == "For A"
    (survey,) = api.get("/surveys").json()
    assert survey["id"] == companies.invitation_a
    assert survey["url"].startswith("/s/")


def test_the_api_answers_in_the_contact_s_language(
    portal_api: TestClient,
    portal: TestClient,
    smtp: tuple[Mailbox, int],
    companies: Companies,
    session: Session,
) -> None:
    """Bob reads Japanese (his record says so) where the deployment speaks English: a
    Japanese-only announcement reaches him, an English-only one only when he asks."""
    bob = session.get(Contact, companies.bob)
    assert bob is not None
    bob.locale = Language.JA
    session.add_all([
        Announcement(title="日本語のお知らせ", body="本文", locale="ja", published_at=NOW),
        Announcement(title="English only", body="text", locale="en", published_at=NOW),
    ])  # fmt: skip
    session.commit()
    api = _as(portal_api, portal, smtp[0], "bob@beta.example")
    assert api.get("/me").json()["locale"] == "ja"
    titles = [a["title"] for a in api.get("/announcements").json()]
    assert "日本語のお知らせ" in titles
    assert "English only" not in titles
    asked = [a["title"] for a in api.get("/announcements", params={"lang": "en"}).json()]
    assert "English only" in asked
    assert "日本語のお知らせ" not in asked


def test_staff_write_announcements_the_portal_shows(
    admin_api: TestClient, sessions: sessionmaker[Session], companies: Companies
) -> None:
    now = datetime.now(UTC)
    body = {"title": "新機能", "body": "![chart](/static/c.png) <img src=x onerror=alert(1)>",
            "segment": "enterprise", "locale": "ja",
            "published_at": (now - timedelta(minutes=1)).isoformat()}  # fmt: skip
    made = admin_api.post("/announcements", json=body)
    assert made.status_code == 201, made.text
    shown = made.json()
    assert shown["html"] == '<p><img src="/static/c.png" alt="chart"> <img src="x"></p>'
    wrong = admin_api.post("/announcements", json={**body, "segment": "nope"})
    assert wrong.status_code == 422
    assert "No segment named nope" in wrong.text
    backwards = {**body, "expires_at": (now - timedelta(days=1)).isoformat()}
    assert admin_api.post("/announcements", json=backwards).status_code == 422
    listed = admin_api.get("/announcements").json()["items"]
    assert [a["title"] for a in listed] == [  # the latest start first, a planned one too
        "Future news", "新機能", "Enterprise-only news", "Maintenance for everyone",
    ]  # fmt: skip
    assert (
        admin_api.put(f"/announcements/{shown['id']}", json={**body, "title": "改"}).json()["title"]
        == "改"
    )
    assert admin_api.delete(f"/announcements/{shown['id']}").status_code == 204
    assert admin_api.get(f"/announcements/{shown['id']}").status_code == 404


def test_a_viewer_key_cannot_write_announcements(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.VIEWER)}"
    assert api.get("/announcements").status_code == 200
    body = {"title": "x", "body": "y", "published_at": datetime.now(UTC).isoformat()}
    assert api.post("/announcements", json=body).status_code == 403
