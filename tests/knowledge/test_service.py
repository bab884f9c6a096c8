"""The knowledge base on SQLite and PostgreSQL: articles in two languages, readers' views
(their account's usage events), votes, comments, searches and the two reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput, NotFound
from kasasu.events.service import list_events
from kasasu.knowledge.reading import (
    comment,
    read_article,
    record_view,
    search_help,
    store_view_events,
    vote,
)
from kasasu.knowledge.reports import before_ticket_report, not_found_report
from kasasu.knowledge.schemas import ArticleCreate, ArticleUpdate, Reader
from kasasu.knowledge.service import (
    create_article,
    list_articles,
    list_comments,
    staff_search,
    update_article,
)
from kasasu.models import Account, Contact, Ticket

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _slug() -> str:
    return f"a-{uuid.uuid4().hex[:10]}"


def _contact(session: Session, account: str = "ACME") -> Contact:
    tag = uuid.uuid4().hex[:8]
    acc = Account(external_id=f"{account}-{tag}", name=f"{account} 株式会社")
    session.add(acc)
    session.flush()
    person = Contact(external_id=f"c-{tag}", account_id=acc.id, name="山田 花子")
    session.add(person)
    session.flush()
    return person


def _article(session: Session, **fields: object) -> int:
    values: dict[str, object] = {"slug": _slug(), "title_ja": "請求書の発行", "published": True}
    values.update(fields)
    return create_article(session, ArticleCreate.model_validate(values)).id


def test_a_reader_gets_their_language_else_the_other(session: Session) -> None:
    slug = _slug()
    _article(session, slug=slug, title_ja="請求書の発行", body_ja="**太字**の説明", title_en=None)
    ja = read_article(session, slug, "ja")
    en = read_article(session, slug, "en")
    assert (ja.locale, ja.fallback, ja.title) == ("ja", False, "請求書の発行")
    assert (en.locale, en.fallback, en.title) == ("ja", True, "請求書の発行")
    assert en.html == "<p><strong>太字</strong>の説明</p>"
    both = _slug()
    _article(session, slug=both, title_ja="ログイン", title_en="Signing in", body_en="Use SSO.")
    shown = read_article(session, both, "en")
    assert (shown.locale, shown.fallback, shown.html) == ("en", False, "<p>Use SSO.</p>")


def test_drafts_are_neither_read_nor_found_by_customers(session: Session) -> None:
    slug = _slug()
    article_id = _article(session, slug=slug, title_ja="返金の手順", published=False)
    with pytest.raises(NotFound):
        read_article(session, slug, "ja")
    assert search_help(session, "返金", "ja", Reader(), NOW).total == 0
    assert [h.ref_id for h in staff_search(session, "返金", "ja").hits] == [article_id]
    update_article(session, article_id, ArticleUpdate(published=True))
    assert [h.slug for h in search_help(session, "返金する", "ja", Reader(), NOW).hits] == [slug]


def test_an_article_needs_a_title_and_an_address_of_its_own(session: Session) -> None:
    slug = _slug()
    _article(session, slug=slug)
    with pytest.raises(InvalidInput) as no_title:
        _article(session, title_ja=None, title_en=None)
    assert [e.loc for e in no_title.value.errors] == [("title_ja",)]
    with pytest.raises(InvalidInput) as taken:
        _article(session, slug=slug)
    assert [e.loc for e in taken.value.errors] == [("slug",)]
    with pytest.raises(InvalidInput) as related:
        _article(session, related=[2**40])
    assert [e.loc for e in related.value.errors] == [("related", 0)]


def test_a_contacts_view_is_a_usage_event_of_their_account(
    session: Session, tmp_path: Path
) -> None:
    person = _contact(session)
    account = session.get(Account, person.account_id)
    assert account is not None
    slug = _slug()
    article_id = _article(session, slug=slug)
    event = record_view(session, article_id, Reader(contact_id=person.id), "ja", NOW)
    anonymous = record_view(session, article_id, Reader(visitor="browser-1"), "ja", NOW)
    assert anonymous is None  # counted, but nobody's usage
    assert event is not None
    events = tmp_path / "events.duckdb"
    assert store_view_events(events, [event]) == 1
    stored = list_events(events).to_pylist()
    assert [(e["account_external_id"], e["user_id"], e["event_name"]) for e in stored] == [
        (account.external_id, person.external_id, "help_article_viewed")
    ]
    assert stored[0]["occurred_at"] == NOW
    assert store_view_events(events, [event]) == 0  # the same view never counts twice
    row = next(r for r in list_articles(session, "ja").items if r.id == article_id)
    assert row.views == 2


def test_a_contact_or_a_browser_votes_once(session: Session) -> None:
    person = _contact(session)
    slug = _slug()
    _article(session, slug=slug)
    as_contact = Reader(contact_id=person.id, visitor="browser-1")
    assert vote(session, slug, as_contact, NOW, helpful=True).model_dump() == {
        "helpful": 1,
        "not_helpful": 0,
    }
    assert vote(session, slug, as_contact, NOW, helpful=True).model_dump() == {
        "helpful": 1,
        "not_helpful": 0,
    }
    # Changing one's mind replaces the vote.
    assert vote(session, slug, as_contact, NOW, helpful=False).model_dump() == {
        "helpful": 0,
        "not_helpful": 1,
    }
    browser = Reader(visitor="browser-2")
    vote(session, slug, browser, NOW, helpful=True)
    assert vote(session, slug, browser, NOW, helpful=True).model_dump() == {
        "helpful": 1,
        "not_helpful": 1,
    }
    with pytest.raises(InvalidInput):
        vote(session, slug, Reader(), NOW, helpful=True)  # nobody to count it for


def test_comments_go_to_the_team_only(session: Session) -> None:
    slug = _slug()
    article_id = _article(session, slug=slug)
    comment(session, slug, "  スクリーンショットが古いです  ", Reader(), "ja")
    with pytest.raises(InvalidInput):
        comment(session, slug, "   ", Reader(), "ja")
    assert [c.body for c in list_comments(session, article_id)] == ["スクリーンショットが古いです"]


def test_searches_without_results_are_counted_by_question(session: Session) -> None:
    _article(session, title_ja="請求書の発行", body_ja="請求書を発行する手順")
    asked = [
        ("請求書", NOW),
        ("返金", NOW + timedelta(minutes=1)),
        ("返金", NOW + timedelta(minutes=2)),
        ("ＲＥＦＵＮＤ", NOW + timedelta(minutes=3)),  # folded: refund
        ("refund", NOW + timedelta(minutes=4)),
        ("", NOW + timedelta(minutes=5)),  # nothing typed: not a search
        ("返金", NOW - timedelta(days=40)),  # before the period
    ]
    reader = Reader()
    found = [search_help(session, q, "ja", reader, at).total for q, at in asked]
    assert found[0] >= 1
    report = not_found_report(session, NOW - timedelta(days=1), NOW + timedelta(days=1))
    # By hand: 5 searches in the period, 4 without result, 2 questions (返金, refund).
    assert (report.searches, report.without_results, report.questions) == (5, 4, 2)
    assert [(r.query, r.searches, r.without_results, r.last_results) for r in report.rows] == [
        ("refund", 2, 2, 0),
        ("返金", 2, 2, 0),
    ]


def _ticket(session: Session, account_id: int, opened: datetime, subject: str) -> None:
    session.add(
        Ticket(
            external_id=f"t-{uuid.uuid4().hex[:10]}",
            account_id=account_id,
            subject=subject,
            opened_at=opened,
            priority="normal",
            status="open",
        )
    )
    session.flush()


def test_articles_read_in_the_days_before_a_ticket(session: Session) -> None:
    first, second = _contact(session, "Aoi"), _contact(session, "Beni")
    x = _article(session, title_ja="CSVの書き出し")
    y = _article(session, title_ja="ログインできない")
    day = timedelta(days=1)
    record_view(session, x, Reader(contact_id=first.id), "ja", NOW - 2 * day)  # 2 days before
    record_view(session, y, Reader(contact_id=first.id), "ja", NOW - 20 * day)  # too early
    record_view(session, y, Reader(contact_id=second.id), "ja", NOW + day)  # after its ticket
    record_view(session, x, Reader(visitor="b"), "ja", NOW - day)  # nobody's account
    _ticket(session, first.account_id, NOW, "CSVが文字化けする")
    _ticket(session, second.account_id, NOW, "ログインできない")
    report = before_ticket_report(session, NOW - 5 * day, NOW + 5 * day, 7, "ja")
    assert (report.tickets, report.tickets_after_reading) == (2, 1)
    assert [(r.article_id, r.title, r.tickets, r.accounts) for r in report.articles] == [
        (x, "CSVの書き出し", 1, 1)
    ]
    assert [(t.subject, t.articles) for t in report.recent] == [
        ("CSVが文字化けする", ["CSVの書き出し"])
    ]
    with pytest.raises(InvalidInput):
        before_ticket_report(session, NOW, NOW, 7, "ja")
