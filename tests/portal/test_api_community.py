"""The community through the portal's JSON API (SQLite and PostgreSQL): a contact asks,
another answers, the asker accepts; search finds the thread by an inflected word; a mention
is emailed once the reply is stored; a write without the session's CSRF token is refused;
a hidden thread is a 404 to every contact; the flood limit answers 429. Every route of the
portal API, old and new, is a 401 without a session and documented with a summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.community.config import CommunityLimits
from kasasu.community.moderation import create_space, moderate
from kasasu.community.schemas import Moderation, SpaceCreate
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import Contact
from tests.portal.data import Companies


@pytest.fixture
def space(sessions: sessionmaker[Session], companies: Companies) -> int:
    with sessions() as s:
        made = create_space(s, SpaceCreate(slug="howto", name_ja="使い方", name_en="How-to"))
        s.commit()
    return made


def _ask(api: TestClient, space: int, title: str, body: str) -> int:
    made = api.post("/community/posts", json={"space_id": space, "title": title, "body": body})
    assert made.status_code == 201, made.text
    return int(made.json()["post"]["id"])


def test_ask_answer_accept_and_search(
    as_contact: Contact, space: int, smtp: tuple[Mailbox, int]
) -> None:
    alice = as_contact("alice@acme.example")
    asked = {"space_id": space, "title": "請求書を発行したい",
             "body": "月末に請求書を**発行**する方法は？"}  # fmt: skip
    made = alice.post("/community/posts", json=asked)
    assert made.status_code == 201, made.text
    thread = made.json()
    post = thread["post"]["id"]
    assert thread["html"] == "<p>月末に請求書を<strong>発行</strong>する方法は？</p>"
    assert (thread["post"]["kind"], thread["following"], thread["can_accept"]) == (
        "question", True, True,
    )  # fmt: skip
    bob = as_contact("bob@beta.example")
    reply = {"kind": "answer", "body": "設定 > 請求 から発行できます"}
    answered = bob.post(f"/community/posts/{post}/replies", json=reply)
    assert answered.status_code == 201, answered.text
    answer = answered.json()
    assert (answer["kind"], answer["html"]) == ("answer", "<p>設定 &gt; 請求 から発行できます</p>")
    assert answer["author"] == {"name": "Bob", "handle": "Bob", "staff": False, "contact_id": None,
                                "account_id": None, "account": None}  # fmt: skip
    assert bob.get(f"/community/posts/{post}").json()["can_accept"] is False
    refused = bob.post(f"/community/replies/{answer['id']}/accept")
    assert refused.status_code == 403  # only the asker may
    # An inflected form finds the thread (発行した → 発行する), and a word of a compound.
    for word in ("発行した", "請求書"):
        found = bob.get("/community/search", params={"q": word}).json()
        assert [h["ref_id"] for h in found["hits"]] == [post], word
    assert "<mark>" in bob.get("/community/search", params={"q": "発行した"}).text
    accepted = alice.post(f"/community/replies/{answer['id']}/accept")
    assert accepted.json() == {"accepted": True}
    shown = alice.get(f"/community/posts/{post}")
    assert shown.json()["post"]["accepted"] is True
    assert [a["accepted"] for a in shown.json()["answers"]] == [True]
    assert "Beta" not in shown.text  # another company's name never shows to customers
    # Alice thanks Bob by his handle: the mention is emailed once the comment is stored.
    before = len(smtp[0].messages)
    comment = alice.post(f"/community/posts/{post}/replies",
                         json={"body": "@Bob ありがとう", "parent_id": answer["id"]})  # fmt: skip
    assert comment.status_code == 201, comment.text
    assert comment.json()["parent_id"] == answer["id"]
    assert [m["To"] for m in smtp[0].messages[before:]] == ["bob@beta.example"]
    assert f"/portal/community/posts/{post}" in smtp[0].messages[-1].get_body().get_content()  # type: ignore[union-attr]  # a plain body
    listed = bob.get("/community/posts", params={"space_id": space}).json()
    assert [(p["id"], p["answers"], p["replies"]) for p in listed["items"]] == [(post, 1, 2)]
    assert bob.get("/community/posts", params={"unanswered": True}).json()["items"] == []


def test_reactions_follows_reports_and_the_digest(as_contact: Contact, space: int) -> None:
    alice = as_contact("alice@acme.example")
    post = _ask(alice, space, "CSV の文字コード", "Shift_JIS で出せますか")
    bob = as_contact("bob@beta.example")
    assert bob.post(f"/community/posts/{post}/reactions", json={"reaction": "thanks"}).json() == {
        "reaction": "thanks"
    }
    thread = bob.get(f"/community/posts/{post}").json()
    assert (thread["reactions"], thread["mine"]) == ({"thanks": 1}, "thanks")
    taken_back = bob.post(f"/community/posts/{post}/reactions", json={"reaction": "thanks"})
    assert taken_back.json() == {"reaction": None}
    wrong = bob.post(f"/community/posts/{post}/reactions", json={"reaction": "angry"})
    assert wrong.status_code == 422
    assert bob.put(f"/community/posts/{post}/follow").status_code == 204
    assert bob.put(f"/community/spaces/{space}/follow").status_code == 204
    assert bob.put("/community/digest", json={"wanted": False}).status_code == 204
    mine = bob.get("/community/followed").json()
    assert ([p["id"] for p in mine["posts"]], [s["id"] for s in mine["spaces"]]) == (
        [post],
        [space],
    )
    assert mine["digest"] is False
    assert bob.delete(f"/community/posts/{post}/follow").status_code == 204
    assert bob.get("/community/followed").json()["posts"] == []
    # What one contact follows is theirs: Alice follows her own thread only.
    alices = alice.get("/community/followed").json()
    assert ([p["id"] for p in alices["posts"]], alices["spaces"]) == ([post], [])
    report = bob.post(f"/community/posts/{post}/reports", json={"reason": "off_topic"})
    assert report.status_code == 204
    assert bob.get(f"/community/spaces/{space}").json()["name"] == "How-to"
    assert bob.get("/community/spaces/999999").status_code == 404
    assert bob.get("/community/posts", params={"space_id": 999999}).status_code == 404


def test_a_write_without_the_csrf_token_is_refused(as_contact: Contact, space: int) -> None:
    alice = as_contact("alice@acme.example")
    body = {"space_id": space, "title": "t", "body": "b"}
    token = alice.headers.pop("X-CSRF-Token")
    missing = alice.post("/community/posts", json=body)
    assert missing.status_code == 403
    assert missing.headers["content-type"] == "application/problem+json"
    assert "X-CSRF-Token" in missing.json()["detail"]
    assert (
        alice.post("/community/posts", json=body, headers={"X-CSRF-Token": "forged"}).status_code
        == 403
    )
    assert alice.put("/community/digest", json={"wanted": False}).status_code == 403
    assert alice.post("/events/1/register").status_code == 403
    assert alice.put("/help/articles/x/vote", json={"helpful": True}).status_code == 403
    assert alice.get("/community/posts").json()["total"] == 0  # nothing was written
    assert alice.get("/csrf").json()["token"] == token  # one token for the session
    ok = alice.post("/community/posts", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201


def test_a_hidden_thread_is_a_404_to_every_contact(
    as_contact: Contact, space: int, sessions: sessionmaker[Session]
) -> None:
    alice = as_contact("alice@acme.example")
    post = _ask(alice, space, "Cheap pills", "spam spam")
    with sessions() as s:
        moderate(s, post, Moderation(hidden=True), datetime.now(UTC), None)
        s.commit()
    bob = as_contact("bob@beta.example")
    for api in (alice, bob):
        assert api.get(f"/community/posts/{post}").status_code == 404
        assert api.post(f"/community/posts/{post}/replies", json={"body": "x"}).status_code == 404
        assert (
            api.post(f"/community/posts/{post}/reactions", json={"reaction": "like"}).status_code
            == 404
        )
        assert api.put(f"/community/posts/{post}/follow").status_code == 404
        assert api.post(f"/community/posts/{post}/reports", json={}).status_code == 404
        assert api.get("/community/search", params={"q": "pills"}).json()["total"] == 0
        assert api.get("/community/posts").json()["items"] == []


@pytest.mark.parametrize("community_limits", [CommunityLimits(per_minute=1, links=1)])
def test_the_flood_and_link_limits_hold(as_contact: Contact, space: int) -> None:
    alice = as_contact("alice@acme.example")
    links = {"space_id": space, "title": "links", "body": "https://a.example https://b.example"}
    too_many = alice.post("/community/posts", json=links)
    assert too_many.status_code == 422
    assert "at most 1 links" in too_many.json()["detail"]
    _ask(alice, space, "first", "ok")
    flood = alice.post("/community/posts", json={"space_id": space, "title": "second", "body": "x"})
    assert flood.status_code == 429
    assert 1 <= int(flood.headers["Retry-After"]) <= 60


def test_every_route_needs_a_session_and_is_documented(
    as_contact: Contact, companies: Companies
) -> None:
    alice = as_contact("alice@acme.example")
    spec = alice.get("/openapi.json").json()
    alice.cookies.clear()
    operations = [(m, p) for p, item in spec["paths"].items() for m in item]
    assert len(operations) == 7 + 16 + 3 + 6  # the portal's, community, events, help centre
    for method, path in operations:
        real = path.replace("{slug}", "x")
        for name in ("announcement_id", "space_id", "post_id", "reply_id", "webinar_id"):
            real = real.replace(f"{{{name}}}", "1")
        answer = alice.request(method.upper(), real, json={})
        assert answer.status_code == 401, (method, path, answer.text)
        operation = spec["paths"][path][method]
        assert operation.get("summary"), (method, path)
        ok = operation["responses"].get("200") or operation["responses"].get("201")
        if ok is not None:  # a typed answer, not any JSON
            assert ok["content"]["application/json"]["schema"], (method, path)
