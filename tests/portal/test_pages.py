"""The portal's pages show the signed-in contact's own company, nothing of another: on
SQLite and PostgreSQL, with direct URLs and ids of the other company's objects."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kasasu.domain.choices import Language
from kasasu.models import Contact
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import csrf, sign_in_as
from tests.portal.data import Companies
from tests.support.routes import routes_naming_a_row

PAGES = ("/portal", "/portal/requests", "/portal/announcements", "/portal/surveys")


def test_every_page_asks_a_visitor_to_sign_in(portal: TestClient, companies: Companies) -> None:
    for path in (*PAGES, f"/portal/announcements/{companies.news_all}"):
        response = portal.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/portal/sign-in?next={path}"  # quote keeps /


def test_a_contact_sees_their_company(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    sign_in_as(portal, smtp[0], "alice@acme.example")
    home = portal.get("/portal").text
    assert "Goal of A-only" in home
    assert "請求業務の効率化" in home
    assert "Open requests: 1" in home  # planned; the shipped one is closed
    assert "Enterprise-only news" in home  # A is in the segment
    assert "Future news" not in home
    assert "Acme Care ポータル" in home  # the installation's name ...
    assert "--brand: #aa3300" in home  # ... colour ...
    assert 'src="/static/logo.png"' in home  # ... and logo
    asks = portal.get("/portal/requests").text
    assert "CSV export of invoices A-only" in asks
    assert "Dark mode shipped" not in asks
    assert "Dark mode shipped" in portal.get("/portal/requests?show=closed").text
    news = portal.get(f"/portal/announcements/{companies.news_a_only}")
    assert news.status_code == 200
    assert "For A" in news.text
    assert "<script>alert(1)" not in news.text  # the body is sanitised
    surveys = portal.get("/portal/surveys").text
    assert "How likely are you to recommend us" in surveys
    assert 'href="/s/' in surveys


def test_a_contact_of_another_company_sees_none_of_it(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    sign_in_as(portal, smtp[0], "bob@beta.example")
    seen = "".join(portal.get(p).text for p in PAGES)
    seen += portal.get("/portal/requests?show=all").text
    others = ("Goal of A-only", "請求業務の効率化", "CSV export of invoices A-only",
              "Dark mode shipped", "Enterprise-only news", "Acme 株式会社",
              "recommend us")  # fmt: skip
    for other in others:
        assert other not in seen, other
    assert "Goal of B-only" in seen
    assert "Slack alerts B-only" in seen
    assert "Maintenance for everyone" in seen
    # A's announcement by its id: the same 404 as an id that does not exist.
    assert portal.get(f"/portal/announcements/{companies.news_a_only}").status_code == 404
    assert portal.get("/portal/announcements/999999").status_code == 404
    # Ids in the query name nothing: the company comes from the session alone.
    forged = portal.get(f"/portal?account_id={companies.a}&contact_id={companies.alice}")
    assert "Acme 株式会社" not in forged.text
    assert "Beta 合同会社" in forged.text


def test_the_language_follows_the_switch(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    sign_in_as(portal, smtp[0], "bob@beta.example")
    english = portal.get("/portal?lang=en").text
    assert "Your requests" in english
    japanese = portal.get("/portal?lang=ja").text
    assert 'lang="ja"' in japanese
    assert "Your requests" not in japanese
    assert "Your requests" not in portal.get("/portal/requests").text  # remembered


def test_the_portal_opens_in_the_contact_s_language(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies, session: Session
) -> None:
    """Bob reads English (his contact record says so) where the installation speaks
    Japanese: signed in, the portal is English until he switches."""
    bob = session.get(Contact, companies.bob)
    assert bob is not None
    bob.locale = Language.EN
    session.commit()
    assert 'lang="ja"' in portal.get("/portal/sign-in").text  # not known before signing in
    sign_in_as(portal, smtp[0], "bob@beta.example")
    home = portal.get("/portal").text
    assert 'lang="en"' in home
    assert "Your requests" in home
    assert "Your requests" not in portal.get("/portal?lang=ja").text
    assert "Your requests" not in portal.get("/portal/requests").text  # the switch holds


def test_a_row_id_past_64_bits_is_a_4xx_for_a_contact(
    portal: TestClient, web_app: FastAPI, smtp: tuple[Mailbox, int], companies: Companies
) -> None:
    """Every portal page and form naming a row answers a number no database holds with a
    4xx for a signed-in contact, never a server error (security review F4)."""
    sign_in_as(portal, smtp[0], "alice@acme.example")
    token = csrf(portal.get("/portal/community/new").text)
    routes = [(m, r.path) for m, r in routes_naming_a_row(web_app) if r.path.startswith("/portal/")]
    assert routes
    answers = {}
    for method, path in routes:
        url = re.sub(r"\{\w+_id\}", str(2**63), path)
        data = {"csrf_token": token} if method == "POST" else None
        answers[f"{method} {url}"] = portal.request(method, url, data=data).status_code
    assert {k: v for k, v in answers.items() if not 400 <= v < 500} == {}
