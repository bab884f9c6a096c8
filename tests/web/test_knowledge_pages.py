"""The help centre (public) and the knowledge base's staff pages: script in an article never
reaches the page, a portal contact's reading lands in the event store, votes and comments
from the reader's page, and the editor, categories and reports for the team."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.events.service import list_events
from kasasu.kit.tokens import token_hash
from kasasu.knowledge.schemas import ArticleCreate
from kasasu.knowledge.service import create_article, list_articles, list_comments
from kasasu.models import Account, Contact, HelpSearch, PortalSession
from kasasu.portal.config import SESSION_COOKIE
from kasasu.web.context import WebContext
from tests.portal.conftest import portal_config
from tests.web.conftest import SignIn, csrf

HOSTILE = (
    "請求書を発行する手順です。\n\n<script>alert('x')</script>\n\n"
    '<img src="x" onerror="alert(1)"> [link](javascript:alert(2)) `<script>` 請求書'
)


def _articles(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        create_article(s, ArticleCreate(slug="invoices", title_ja="<b>請求書</b>の発行",
                       body_ja=HOSTILE, title_en="Issuing invoices", body_en="You exported it.",
                       published=True))  # fmt: skip
        create_article(s, ArticleCreate(slug="only-ja", title_ja="ログインできない",
                       body_ja="パスワードを再設定してください。", published=True))  # fmt: skip
        create_article(s, ArticleCreate(slug="draft", title_ja="下書きの請求書", published=False))
        s.commit()


def test_the_help_centre_is_public_and_script_stays_inert(
    web: TestClient, sessions: sessionmaker[Session]
) -> None:
    _articles(sessions)
    page = web.get("/help/articles/invoices?lang=ja")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert 'href="javascript:' not in html  # left as text, never a link
    assert "&lt;b&gt;請求書&lt;/b&gt;の発行" in html  # the title is text, not markup
    assert "<code>&lt;script&gt;</code>" in html
    assert web.get("/help/articles/draft").status_code == 404
    found = web.get("/help/search", params={"q": "<script>請求書"}).text
    assert "<script>請求書" not in found
    assert "&lt;script&gt;" in found  # the query as typed, escaped
    results = web.get("/help/search", params={"q": "発行した", "lang": "ja"}).text
    assert '<a href="/help/articles/invoices">&lt;b&gt;<mark>請求書</mark>' not in results
    assert "<mark>発行</mark>" in results
    assert "下書き" not in results
    assert web.get("/help?lang=en").status_code == 200


def test_a_reader_gets_the_other_language_when_theirs_is_missing(
    web: TestClient, sessions: sessionmaker[Session]
) -> None:
    _articles(sessions)
    html = web.get("/help/articles/only-ja?lang=en").text
    assert "ログインできない" in html
    assert "is not available in your language yet" in html
    english = web.get("/help/articles/invoices?lang=en").text
    assert "Issuing invoices" in english
    assert "not available in your language" not in english


def test_a_signed_in_contacts_reading_is_their_accounts_usage(
    web: TestClient, sessions: sessionmaker[Session], web_context: WebContext
) -> None:
    _articles(sessions)
    with sessions() as s:
        account = Account(external_id="ACME-9", name="ACME")
        s.add(account)
        s.flush()
        person = Contact(external_id="c-9", account_id=account.id, name="佐藤", email="s@acme.jp")
        s.add(person)
        s.flush()
        now = datetime.now(UTC)
        s.add(PortalSession(contact_id=person.id, token_hash=token_hash("tok-9"), via="link",
                            created_at=now, expires_at=now + timedelta(hours=1)))  # fmt: skip
        s.commit()
    web.cookies.set(SESSION_COOKIE, "tok-9")
    assert web.get("/help/articles/invoices").status_code == 200
    web.cookies.delete(SESSION_COOKIE)
    assert web.get("/help/articles/invoices").status_code == 200  # anonymous: no event
    stored = list_events(web_context.events_path).to_pylist()
    assert [(e["account_external_id"], e["user_id"], e["event_name"]) for e in stored] == [
        ("ACME-9", "c-9", "help_article_viewed")
    ]


def test_votes_and_comments_from_the_readers_page(
    web: TestClient, sessions: sessionmaker[Session]
) -> None:
    _articles(sessions)
    page = web.get("/help/articles/invoices")
    token = csrf(page.text)
    for answer in ("yes", "yes", "no"):  # one browser: its last answer counts, once
        sent = web.post(
            "/help/articles/invoices/vote", data={"helpful": answer, "csrf_token": token}
        )
        assert sent.status_code == 303
    note = {"body": "手順3の画面が古いです", "csrf_token": token}
    assert web.post("/help/articles/invoices/comment", data=note).status_code == 303
    assert web.post("/help/articles/invoices/vote", data={"helpful": "yes"}).status_code == 403
    with sessions() as s:
        row = next(a for a in list_articles(s, "ja").items if a.slug == "invoices")
        assert (row.helpful, row.not_helpful, row.comments_open) == (0, 1, 1)
        assert [c.body for c in list_comments(s, row.id)] == ["手順3の画面が古いです"]


def test_staff_pages_need_a_user_and_writers_edit(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    assert web.get("/knowledge").status_code == 303  # to the sign-in page
    _articles(sessions)
    sign_in(Role.CSM)
    listing = web.get("/knowledge?lang=en&q=請求書")
    assert listing.status_code == 200
    assert "下書きの<mark>請求書</mark>" in listing.text  # staff search finds drafts
    token = csrf(web.get("/knowledge/new").text)
    form = {"csrf_token": token, "slug": "csv-export", "title_en": "Exporting CSV",
            "body_en": "Click **Export**.", "published": "on"}  # fmt: skip
    made = web.post("/knowledge/new", data=form)
    assert made.status_code == 303
    editor = web.get(made.headers["location"])
    assert "/help/articles/csv-export" in editor.text
    preview = web.post("/knowledge/preview", data={"body_en": "<script>x</script>\n\n**b**"},
                       headers={"X-CSRF-Token": token})  # fmt: skip
    assert preview.text == "<p><strong>b</strong></p>"
    bad = web.post("/knowledge/new", data={**form, "title_en": ""})
    assert bad.status_code == 422
    assert "Give a title in Japanese or English" in bad.text
    assert "Another article has this address" in bad.text
    assert web.get("/knowledge/categories").status_code == 200
    reports = web.get("/knowledge/reports?lang=en")
    assert reports.status_code == 200
    assert re.search(r"<h2>Searched for, not found</h2>", reports.text)


def test_votes_and_comments_from_one_address_are_limited(
    web: TestClient, web_app: FastAPI, web_context: WebContext, sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:  # fmt: skip
    """They need no sign-in, so one client address gets so many an hour: past them, the 429
    page with Retry-After, and nothing is stored."""
    _articles(sessions)
    limited = portal_config(25, tmp_path / "outbox", feedback_per_address=2)
    web_app.state.kasasu_web = replace(web_context, portal=limited)
    token = csrf(web.get("/help/articles/invoices").text)
    note = {"body": "誤字があります", "csrf_token": token}
    for _ in range(2):
        assert web.post("/help/articles/invoices/comment", data=note).status_code == 303
    refused = web.post("/help/articles/invoices/comment", data=note)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    with sessions() as s:
        row = next(a for a in list_articles(s, "ja").items if a.slug == "invoices")
        assert len(list_comments(s, row.id)) == 2


def test_searches_one_address_keeps_in_the_report_are_limited(
    web: TestClient, web_app: FastAPI, web_context: WebContext, sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:  # fmt: skip
    """Anyone may search, so one address adds so many searches an hour to the "searched,
    not found" report; past them it is still answered, and nothing more is stored."""
    _articles(sessions)
    limited = portal_config(25, tmp_path / "outbox", searches_per_address=2)
    web_app.state.kasasu_web = replace(web_context, portal=limited)
    for word in ("見積書", "納品書", "領収書"):
        answered = web.get("/help/search", params={"q": word, "lang": "ja"})
        assert answered.status_code == 200
        assert word in answered.text
    with sessions() as s:
        kept = s.scalars(select(HelpSearch.query).order_by(HelpSearch.id)).all()
    assert kept == ["見積書", "納品書"]
