"""Requests (要望) recorded where they were heard: from a ticket on the account page (its
subject as the title, the ticket kept as the source), joined to a new or existing need;
another account's ticket is refused next to its field (book of tests/workspace/home_data.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Priority, RequestSource, Role, TicketStatus
from kasasu.models import Feedback, Need, Ticket
from tests.web.conftest import SignIn, csrf
from tests.workspace.home_data import add_home_book


def _book(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_home_book(s)
        opened = datetime(2026, 11, 30, 1, tzinfo=UTC)
        more = {"opened_at": opened, "priority": Priority.NORMAL, "status": TicketStatus.OPEN}
        mine = Ticket(
            external_id="T1",
            account_id=ids["H1"],
            subject="CSV の一括出力がほしい",
            **more,
        )
        theirs = Ticket(external_id="T2", account_id=ids["H2"], subject="他社のチケット", **more)
        need = Need(title="帳票の出力")
        s.add_all([mine, theirs, need])
        s.flush()
        ids |= {"T1": mine.id, "T2": theirs.id, "need": need.id}
        s.commit()
    return ids


def test_a_request_from_a_ticket_joins_a_need(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{ids['H1']}?lang=ja").text
    link = f'href="?request_from=ticket:{ids["T1"]}#request-form"'
    assert link in page
    started = web.get(f"/accounts/{ids['H1']}?lang=ja&request_from=ticket:{ids['T1']}").text
    assert 'name="title" required maxlength="200" value="CSV の一括出力がほしい"' in started
    assert f'<option value="ticket:{ids["T1"]}" selected>' in started
    assert f'<option value="{ids["need"]}">帳票の出力</option>' in started
    # another account's ticket is not offered, and a forged one is refused at its field
    assert f"ticket:{ids['T2']}" not in started
    forged = web.post(
        f"/accounts/{ids['H1']}/requests",
        data={"csrf_token": csrf(page), "title": "x", "source": f"ticket:{ids['T2']}"},
    )
    assert forged.status_code == 422
    assert 'aria-describedby="request-source-error"' in forged.text
    posted = web.post(
        f"/accounts/{ids['H1']}/requests",
        data={
            "csrf_token": csrf(page),
            "title": "CSV の一括出力がほしい",
            "body": "毎月の報告用",
            "source": f"ticket:{ids['T1']}",
            "need": str(ids["need"]),
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    with sessions() as s:
        request = s.scalars(select(Feedback).where(Feedback.account_id == ids["H1"])).one()
    assert (request.source_kind, request.source_id, request.need_id, request.body) == (
        RequestSource.TICKET, ids["T1"], ids["need"], "毎月の報告用",
    )  # fmt: skip
    shown = web.get(f"/accounts/{ids['H1']}?lang=ja").text
    assert "聞いた場所: 問い合わせ" in shown
    assert f'<a href="/needs/{ids["need"]}">帳票の出力</a>' in shown
    need = web.get(f"/needs/{ids['need']}?lang=ja").text
    assert "CSV の一括出力がほしい" in need


def test_a_request_can_start_a_new_need_and_a_title_is_required(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.CSM)
    token = csrf(web.get(f"/accounts/{ids['H1']}").text)
    empty = web.post(f"/accounts/{ids['H1']}/requests", data={"csrf_token": token, "title": " "})
    assert empty.status_code == 422
    assert 'aria-describedby="request-title-error"' in empty.text
    made = web.post(
        f"/accounts/{ids['H1']}/requests",
        data={"csrf_token": token, "title": "SSO 対応", "need": "new"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    with sessions() as s:
        need = s.scalars(select(Need).where(Need.title == "SSO 対応")).one()
        request = s.scalars(select(Feedback).where(Feedback.need_id == need.id)).one()
    assert (request.account_id, request.source_kind) == (ids["H1"], None)


def test_the_needs_board_groups_waiting_requests(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.CSM)
    token = csrf(web.get(f"/accounts/{ids['H1']}").text)
    for title in ("監査ログの出力", "請求書の英語版"):
        web.post(f"/accounts/{ids['H1']}/requests", data={"csrf_token": token, "title": title})
    board = web.get("/needs?lang=ja").text
    assert "ニーズへのまとめを待つ要望が 2 件あります。" in board
    with sessions() as s:
        waiting = {f.title: f.id for f in s.scalars(select(Feedback))}
    joined = web.post(
        "/needs/group",
        data={
            "csrf_token": token,
            "request_id": waiting["監査ログの出力"],
            "need": str(ids["need"]),
        },
        follow_redirects=False,
    )
    assert joined.headers["location"] == f"/needs/{ids['need']}"
    made = web.post(
        "/needs/group",
        data={
            "csrf_token": token,
            "request_id": waiting["請求書の英語版"],
            "need": "new",
            "title": "請求書の英語版",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    board = web.get("/needs?lang=en").text
    assert "0 requests wait to be grouped under a need." in board
    assert "Every request is grouped under a need." in board
    assert ">請求書の英語版</a>" in board  # a need of its own now
