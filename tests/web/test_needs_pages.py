"""The needs board, a need's page, loyal customers and advocates, survey results: ja/en,
permissions, query counts (data of tests/needs/needs_data.py and voice_data.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role, TaskSource
from kasasu.models import Need, Task
from tests.needs.needs_data import add_needs_book
from tests.needs.voice_data import add_voice_book
from tests.support.queries import counted
from tests.web.conftest import SignIn, csrf
from tests.web.tables import table_rows


def _book(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_needs_book(s)
        s.commit()
    return ids


def test_the_board_ranks_needs_in_english_and_japanese(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _book(sessions)
    en = web.get("/needs?lang=en").text
    assert "<h1>Needs</h1>" in en
    assert table_rows(en) == [
        ["Slack通知", "New", "2", "¥3,600,000", "1", "¥1,200,000", "10", "¥360,000"],
        ["PDF出力", "New", "2", "¥600,000", "1", "¥600,000", "2", "¥300,000"],
        ["kintone連携", "New", "3", "¥4,200,000", "2", "¥1,800,000", "40", "¥105,000"],
        ["API拡張", "New", "1", "¥2,400,000", "0", "¥0", "—", "—"],
        ["一括編集", "New", "0", "¥0", "0", "¥0", "—", "—"],
        ["英語のアンケート", "株式会社A2", "—", "January 1, 2026"],  # waiting for a need
    ]
    ja = web.get("/needs?lang=ja").text
    assert "<h1>要望</h1>" in ja
    assert table_rows(ja)[0] == [
        "Slack通知",
        "新規",
        "2",
        "￥3,600,000",
        "1",
        "￥1,200,000",
        "10",
        "￥360,000",
    ]
    assert "見積もりなし" in ja
    assert table_rows(web.get("/needs?status=planned&lang=en").text) == [
        ["No estimated need."],
        ["Every need is estimated."],
        ["英語のアンケート", "株式会社A2", "—", "January 1, 2026"],
    ]


def _need_tasks(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).where(Task.source == TaskSource.NEED)) or 0)


def test_leaders_ship_a_need_and_the_owners_are_tasked_once(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.LEADER)
    page = web.get(f"/needs/{ids['N1']}?lang=en").text
    assert "<h1>Slack通知</h1>" in page
    rows = table_rows(page)
    assert ["株式会社A3", "1", "¥2,400,000", "green"] in rows
    assert ["株式会社A1", "2", "¥1,200,000", "red"] in rows
    form = {"csrf_token": csrf(page), "status": "shipped", "note": "v2.3"}
    r = web.post(f"/needs/{ids['N1']}/status", data=form)
    assert (r.status_code, r.headers["location"]) == (303, f"/needs/{ids['N1']}")
    assert _need_tasks(sessions) == 2
    assert web.post(f"/needs/{ids['N1']}/status", data=form).status_code == 303
    assert _need_tasks(sessions) == 2  # the same status again: nothing new
    after = table_rows(web.get(f"/needs/{ids['N1']}?lang=ja").text)
    assert any(row[1:] == ["新規 → リリース済み", "LEADER さん", "v2.3", "2"] for row in after)


def test_csms_and_viewers_cannot_change_a_status(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.CSM)
    page = web.get(f"/needs/{ids['N2']}").text
    assert 'action="/needs/' not in page  # no form for a CSM
    form = {"csrf_token": csrf(page), "status": "declined"}
    assert web.post(f"/needs/{ids['N2']}/status", data=form).status_code == 403
    assert web.post(f"/needs/{ids['N2']}/status", data={"status": "declined"}).status_code == 403
    assert _need_tasks(sessions) == 0
    assert web.get("/needs/999999").status_code == 404


def test_loyal_customers_and_advocates(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        ids = add_voice_book(s)
        s.commit()
    sign_in(Role.CSM)
    en = web.get("/loyal?month=2026-11&lang=en").text
    assert "<h1>Loyal customers</h1>" in en
    rows = table_rows(en)
    assert rows[0] == ["株式会社L1", "¥100,000", "23", "10"]
    assert [r[:4] for r in rows[1:]] == [
        ["担当L1", "l1@example.jp", "株式会社L1", "10"],
        ["担当L2", "l2@example.jp", "株式会社L2", "9"],
    ]
    ja = web.get("/loyal?month=2026-11&lang=ja").text
    assert "<h1>ロイヤルカスタマー</h1>" in ja
    assert "アドボケイト" in ja
    token = csrf(en)
    form = {"csrf_token": token, "contact_id": str(ids["C4"]), "agreed": "true"}
    assert web.post("/loyal/references", data=form).status_code == 303
    withdraw = {"csrf_token": token, "contact_id": str(ids["C2"])}
    assert web.post("/loyal/references", data=withdraw).status_code == 303
    names = [r[0] for r in table_rows(web.get("/loyal?month=2026-11").text)[1:]]
    assert names == ["担当L1", "担当L4"]


def test_viewers_cannot_record_references(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        ids = add_voice_book(s)
        s.commit()
    sign_in(Role.VIEWER)
    page = web.get("/loyal?month=2026-11").text
    assert 'action="/loyal/references"' not in page
    form = {"csrf_token": csrf(page), "contact_id": str(ids["C4"]), "agreed": "true"}
    assert web.post("/loyal/references", data=form).status_code == 403


def test_survey_results_by_period_plan_and_segment(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_voice_book(s)
        s.commit()
    sign_in(Role.VIEWER)
    en = web.get("/survey-results?to=2026-11&lang=en").text
    assert "<h1>Survey results</h1>" in en
    assert 'id="nps-chart"' in en
    rows = table_rows(en)
    # NPS 50 ± 84.87 clipped to 100; CSAT 75% ± 42.4 points clipped to 100%; CES none.
    nov = ["2026-11", "50", "-34.9 – 100", "4", "75.0%", "32.6% – 100.0%", "4", "—", "—", "0"]
    assert nov in rows
    assert ["2026-10", "100", "100 – 100", "1", "—", "—", "0", "—", "—", "0"] in rows
    assert [r[:4] for r in rows[-3:]] == [
        ["Basic", "0", "-100 – 100", "2"],
        ["Pro", "100", "100 – 100", "2"],
        ["vip", "100", "100 – 100", "2"],
    ]
    ja = web.get("/survey-results?to=2026-11&segment=vip&lang=ja").text
    assert "<h1>アンケート結果</h1>" in ja
    vip = [r for r in table_rows(ja) if r[0] == "2026-11"]
    assert vip[0][1:4] == ["100", "100 – 100", "2"]


def test_list_pages_cost_the_same_for_few_or_many_rows(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], connection: Connection
) -> None:
    ids = _book(sessions)
    sign_in(Role.ADMIN)

    def queries(path: str) -> int:
        web.get(path)  # warm
        with counted(connection) as statements:
            assert web.get(path).status_code == 200
        return len(statements)

    board, one = queries("/needs"), queries(f"/needs/{ids['N3']}")
    with sessions() as s:
        for n in range(20):
            s.add(Need(title=f"more {n}", effort_days=n + 1))
        s.commit()
    assert queries("/needs") == board
    assert queries(f"/needs/{ids['N3']}") == one


def test_the_loyal_lists_page_and_count_every_row(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], monkeypatch: Any
) -> None:
    """One row a page (the page size made 1): the count still covers both advocates."""
    with sessions() as s:
        add_voice_book(s)
        s.commit()
    monkeypatch.setattr("kasasu.web.needs.LOYAL_PAGE", 1)
    sign_in(Role.CSM)
    first = web.get("/loyal?month=2026-11&lang=en").text
    assert [r[0] for r in table_rows(first)[1:]] == ["担当L1"]
    assert "1–1 of 2" in first
    assert 'href="?month=2026-11&amp;lang=en&amp;advocates_page=2"' in first
    second = web.get("/loyal?month=2026-11&lang=en&advocates_page=2").text
    assert [r[0] for r in table_rows(second)[1:]] == ["担当L2"]
    assert "2–2 of 2" in second
    assert table_rows(second)[0][0] == "株式会社L1"  # the other list keeps its own page
