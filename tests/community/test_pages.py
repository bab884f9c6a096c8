"""The community in the portal and for the team, through the pages (SQLite and
PostgreSQL): a contact asks, another answers, the asker accepts; search finds the thread by
an inflected word; hostile HTML renders inert; the flood limit answers 429 in the reader's
language; a contact of another company can do no staff action and never sees a hidden
thread; a manager moderates and the reports' queue empties."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.community.config import CommunityConfig, CommunityGuard, CommunityLimits
from kasasu.community.moderation import create_space
from kasasu.community.schemas import SpaceCreate
from kasasu.domain.choices import Role
from kasasu.users.schemas import UserCreate
from kasasu.users.service import create_user
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import sign_in_as
from tests.portal.data import Companies
from tests.web.conftest import PASSWORD, csrf


def _space(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        made = create_space(s, SpaceCreate(slug="howto", name_ja="使い方", name_en="How-to"))
        s.commit()
    return made


def _post(client: TestClient, path: str, **form: object) -> object:
    token = csrf(client.get("/portal/community").text)
    return client.post(path, data={"csrf_token": token, **form})


def _ask(client: TestClient, space: int, title: str, body: str, kind: str = "question") -> int:
    answer = _post(client, "/portal/community/new", space_id=space, title=title, body=body,
                   kind=kind)  # fmt: skip
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    return int(answer.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]


def _sign_out(client: TestClient) -> None:
    token = csrf(client.get("/portal").text)
    client.post("/portal/sign-out", data={"csrf_token": token})


def test_ask_answer_accept_and_search(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    space = _space(sessions)
    sign_in_as(portal, smtp[0], "alice@acme.example")
    assert 'href="/portal/community"' in portal.get("/portal").text  # in the portal's menu
    post = _ask(portal, space, "請求書を発行したい", "月末に請求書を**発行**する方法は？")
    _sign_out(portal)
    sign_in_as(portal, smtp[0], "bob@beta.example")
    reply = _post(portal, f"/portal/community/posts/{post}/replies", kind="answer",
                  body="設定 > 請求 から発行できます")  # fmt: skip
    assert reply.status_code == 303  # type: ignore[attr-defined]
    page = portal.get(f"/portal/community/posts/{post}").text
    assert "設定 &gt; 請求 から発行できます" in page
    assert "Accept this answer" not in page  # bob did not ask
    answer_id = re.search(r'id="reply-(\d+)"', page).group(1)  # type: ignore[union-attr]
    refused = _post(portal, f"/portal/community/replies/{answer_id}/accept")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    # Search by an inflected form, and by a word inside a compound.
    found = portal.get("/portal/community/search", params={"q": "発行した"}).text
    assert f'href="/portal/community/posts/{post}"' in found
    assert "<mark>" in found
    assert f"/portal/community/posts/{post}" in portal.get(
        "/portal/community/search", params={"q": "請求書"}).text  # fmt: skip
    _sign_out(portal)
    sign_in_as(portal, smtp[0], "alice@acme.example")
    accepted = _post(portal, f"/portal/community/replies/{answer_id}/accept")
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    page = portal.get(f"/portal/community/posts/{post}").text
    assert "Accepted answer" in page
    assert "Solved" in page
    # The other company's name never shows to customers.
    assert "Beta 合同会社" not in page
    assert "Bob" in page


def test_hostile_html_renders_inert(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    space = _space(sessions)
    sign_in_as(portal, smtp[0], "alice@acme.example")
    body = ('<script>alert(1)</script><img src="/x.png" onerror="alert(2)">'
            '<a href="javascript:alert(3)">link</a>')  # fmt: skip
    post = _ask(portal, space, "html", body)
    page = portal.get(f"/portal/community/posts/{post}").text
    assert "<script>alert(1)" not in page
    assert "onerror" not in page
    assert 'href="javascript:' not in page
    assert '<img src="/x.png">' in page


def test_a_contact_can_do_no_staff_action_nor_see_hidden_threads(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session], web_app: FastAPI,
) -> None:  # fmt: skip
    space = _space(sessions)
    sign_in_as(portal, smtp[0], "alice@acme.example")
    post = _ask(portal, space, "Cheap pills", "spam spam")
    _sign_out(portal)
    sign_in_as(portal, smtp[0], "bob@beta.example")
    reported = _post(portal, f"/portal/community/posts/{post}/report", reason="spam")
    assert reported.status_code == 303  # type: ignore[attr-defined]
    # The staff's pages and routes: a portal session is no staff session.
    token = csrf(portal.get("/portal/community").text)
    for path in (f"/community/posts/{post}/moderate", f"/community/posts/{post}/delete",
                 f"/community/posts/{post}/need"):  # fmt: skip
        tried = portal.post(path, data={"csrf_token": token, "action": "hide"})
        assert tried.status_code == 303
        assert tried.headers["location"].startswith("/login")
    assert portal.get("/community/reports").headers["location"].startswith("/login")
    assert portal.get(f"/portal/community/posts/{post}").status_code == 200  # still shown
    # A manager hides it from the reports' queue.
    with sessions() as s:
        create_user(s, UserCreate(email="csm@example.com", name="CSM", role=Role.CSM,
                                  password=PASSWORD))  # fmt: skip
        s.commit()
    with TestClient(web_app, base_url="http://testserver", follow_redirects=False) as staff:
        login = csrf(staff.get("/login").text)
        staff.post("/login", data={"email": "csm@example.com", "password": PASSWORD,
                                   "csrf_token": login, "next": "/"})  # fmt: skip
        queue = staff.get("/community/reports").text
        assert "Cheap pills" in queue
        report_id = re.search(r'action="/community/reports/(\d+)"', queue).group(1)  # type: ignore[union-attr]
        hide = staff.post(f"/community/reports/{report_id}",
                          data={"csrf_token": csrf(queue), "hide": "1"})  # fmt: skip
        assert hide.status_code == 303
        assert "No report waits." in staff.get("/community/reports").text
        assert "Cheap pills" in staff.get(f"/community/posts/{post}").text  # the team sees it
        # A CSM may not delete (the delete right is a CS leader's).
        denied = staff.post(f"/community/posts/{post}/delete", data={"csrf_token": csrf(queue)})
        assert denied.status_code == 403
    assert portal.get(f"/portal/community/posts/{post}").status_code == 404
    assert "Cheap pills" not in portal.get("/portal/community").text
    assert "Cheap pills" not in portal.get("/portal/community/search", params={"q": "pills"}).text


def test_the_flood_limit_answers_in_the_readers_language(
    portal: TestClient, smtp: tuple[Mailbox, int], companies: Companies,
    sessions: sessionmaker[Session], web_app: FastAPI,
) -> None:  # fmt: skip
    space = _space(sessions)
    guard = CommunityGuard(CommunityLimits(per_minute=1, per_hour=10, links=5))
    ctx = web_app.state.kasasu_web
    web_app.state.kasasu_web = replace(ctx, community=CommunityConfig(guard=guard))
    sign_in_as(portal, smtp[0], "alice@acme.example")
    _ask(portal, space, "one", "first")
    portal.get("/portal?lang=ja")
    again = _post(portal, "/portal/community/new", space_id=space, title="two", body="second")
    assert again.status_code == 429  # type: ignore[attr-defined]
    assert "投稿の間隔が短すぎます" in again.text  # type: ignore[attr-defined]
    assert "second" in again.text  # type: ignore[attr-defined]  # the draft is kept
