"""Events and the help centre through the portal's JSON API (SQLite and PostgreSQL): a
contact lists the events for their company, registers and cancels; a contact of another
company sees neither the segment's event nor the first one's registrations, and gets a 404
for them; a full event is a 409. In the help centre a contact searches by an inflected
word (the search kept as theirs), reads an article (their account's usage) and votes, within
the pages' per-address limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.events.service import list_events
from kasasu.knowledge.schemas import ArticleCreate
from kasasu.knowledge.service import create_article, list_comments
from kasasu.models import HelpSearch, WebinarRegistration
from kasasu.webinars.schemas import Title, WebinarCreate
from kasasu.webinars.service import create_webinar, register
from tests.portal.conftest import Contact
from tests.portal.data import Companies


def _event(s: Session, title: str, starts: datetime, **values: object) -> int:
    data = WebinarCreate.model_validate(
        {"title": Title(en=title), "starts_at": starts, "ends_at": starts + timedelta(hours=1),
         **values}
    )  # fmt: skip
    return create_webinar(s, data).id


@pytest.fixture
def events(sessions: sessionmaker[Session], companies: Companies) -> dict[str, int]:
    soon = datetime.now(UTC) + timedelta(days=10)
    with sessions() as s:
        found = {
            "all": _event(s, "Open webinar for all", soon),
            "enterprise": _event(s, "Enterprise-only seminar", soon, segment="enterprise"),
            "small": _event(s, "Small workshop", soon, capacity=1, waitlist=False),
            "past": _event(s, "Past training", soon - timedelta(days=40),
                           recording_url="https://video.example/rec/9"),
        }  # fmt: skip
        reg = register(s, companies.alice, found["past"], now=soon - timedelta(days=50))
        row = s.get(WebinarRegistration, reg.id)
        assert row is not None
        row.attended_at = soon - timedelta(days=40)  # Alice came
        s.commit()
    return found


def test_a_contact_registers_and_cancels(
    as_contact: Contact, companies: Companies, events: dict[str, int]
) -> None:
    alice = as_contact("alice@acme.example")
    listed = alice.get("/events").json()
    assert sorted(e["title"] for e in listed["upcoming"]) == [
        "Enterprise-only seminar", "Open webinar for all", "Small workshop",
    ]  # fmt: skip
    assert [(e["title"], e["attended"], e["recording_url"]) for e in listed["past"]] == [
        ("Past training", True, "https://video.example/rec/9")
    ]
    assert listed["past_total"] == 1
    made = alice.post(f"/events/{events['enterprise']}/register")
    assert made.status_code == 200, made.text
    seat = made.json()
    assert (seat["contact_id"], seat["account_id"], seat["status"], seat["source"]) == (
        companies.alice, companies.a, "registered", "portal",
    )  # fmt: skip
    assert alice.post(f"/events/{events['enterprise']}/register").json()["id"] == seat["id"]
    upcoming = {e["id"]: e["status"] for e in alice.get("/events").json()["upcoming"]}
    assert upcoming == {events["all"]: None, events["enterprise"]: "registered",
                        events["small"]: None}  # fmt: skip
    cancelled = alice.post(f"/events/{events['enterprise']}/cancel").json()
    assert (cancelled["id"], cancelled["status"]) == (seat["id"], "cancelled")
    assert alice.post(f"/events/{events['small']}/register").json()["status"] == "registered"


def test_another_company_gets_404_for_the_first_ones_events(
    as_contact: Contact, events: dict[str, int], session: Session
) -> None:
    alice = as_contact("alice@acme.example")
    assert alice.post(f"/events/{events['small']}/register").status_code == 200
    bob = as_contact("bob@beta.example")
    listed = bob.get("/events")
    assert sorted(e["title"] for e in listed.json()["upcoming"]) == [
        "Open webinar for all", "Small workshop",
    ]  # fmt: skip
    assert (listed.json()["past"], listed.json()["past_total"]) == ([], 0)
    assert "video.example" not in listed.text
    for action in ("register", "cancel"):  # the segment's event is not for Beta
        refused = bob.post(f"/events/{events['enterprise']}/{action}")
        assert refused.status_code == 404, action
        assert refused.headers["content-type"] == "application/problem+json"
    # Alice's places are hers: Bob cancels none of them.
    assert bob.post(f"/events/{events['past']}/cancel").status_code == 404
    assert bob.post(f"/events/{events['small']}/cancel").status_code == 404
    full = bob.post(f"/events/{events['small']}/register")  # one seat, Alice's; no waiting list
    assert full.status_code == 409
    taken = session.scalars(
        select(WebinarRegistration.contact_id).where(
            WebinarRegistration.webinar_id.in_([events["enterprise"], events["small"]]),
            WebinarRegistration.status == "registered",
        )
    ).all()
    assert len(taken) == 1


@pytest.fixture
def article(sessions: sessionmaker[Session], companies: Companies) -> str:
    with sessions() as s:
        issue = {"slug": "invoice-issue", "title_ja": "請求書の発行", "published": True,
                 "body_ja": "**設定 > 請求** から発行します"}  # fmt: skip
        create_article(s, ArticleCreate.model_validate(issue))
        create_article(s, ArticleCreate(slug="draft", title_ja="請求書の下書き", published=False))
        s.commit()
    return "invoice-issue"


@pytest.mark.parametrize("portal_limits", [{"feedback_per_address": 3}])
def test_help_search_read_and_vote(
    as_contact: Contact, companies: Companies, article: str, session: Session, tmp_path: Path
) -> None:
    alice = as_contact("alice@acme.example")
    listed = alice.get("/help", params={"lang": "ja"}).json()
    assert [[a["slug"] for a in c["articles"]] for c in listed] == [[article]]  # no draft
    found = alice.get("/help/search", params={"q": "発行した", "lang": "ja"}).json()
    assert [h["slug"] for h in found["hits"]] == [article]  # 発行した → 発行
    kept = session.scalars(select(HelpSearch)).all()
    assert [(k.query, k.results, k.contact_id, k.account_id) for k in kept] == [
        ("発行した", 1, companies.alice, companies.a)
    ]
    shown = alice.get(f"/help/articles/{article}").json()  # English asked, Japanese shown
    assert (shown["title"], shown["locale"], shown["fallback"]) == ("請求書の発行", "ja", True)
    assert shown["html"] == "<p><strong>設定 &gt; 請求</strong> から発行します</p>"
    stored = list_events(tmp_path / "events.duckdb").to_pylist()  # once the view committed
    assert [(e["account_external_id"], e["user_id"], e["event_name"]) for e in stored] == [
        ("ACME", "c-alice", "help_article_viewed")
    ]
    assert alice.get("/help/articles/draft").status_code == 404
    assert alice.get(f"/help/articles/{article}/vote").json() == {"helpful": None}
    yes = alice.put(f"/help/articles/{article}/vote", json={"helpful": True})
    assert yes.json() == {"helpful": 1, "not_helpful": 0}
    no = alice.put(f"/help/articles/{article}/vote", json={"helpful": False})
    assert no.json() == {"helpful": 0, "not_helpful": 1}  # a change of mind, not a 2nd vote
    assert alice.get(f"/help/articles/{article}/vote").json() == {"helpful": False}
    note = alice.post(f"/help/articles/{article}/comments", json={"body": "画面が古いです"})
    assert note.status_code == 204
    (comment,) = list_comments(session, shown["id"])
    assert (comment.body, comment.contact_id) == ("画面が古いです", companies.alice)
    # Three votes and comments from this address this hour; the fourth waits.
    over = alice.put(f"/help/articles/{article}/vote", json={"helpful": True})
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
