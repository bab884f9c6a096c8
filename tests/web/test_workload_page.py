"""The workload page, the accounts list's touch-model filter and the touch-model history of
the account page, on the book of tests/health/touch_data.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.health.touch_data import add_workload_book, user
from tests.support.queries import counted
from tests.web.conftest import SignIn
from tests.web.tables import table_rows


def _book(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_workload_book(s, datetime.now(ZoneInfo("Asia/Tokyo")).date())
        s.commit()
    return ids


def test_workload_per_owner_and_touch_model_in_english_and_japanese(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    ids = _book(sessions)
    page = web.get("/workload?lang=en").text
    assert "<h1>CSM workload by touch model</h1>" in page
    assert "as of the refresh of February 1, 2026" in page
    assert table_rows(page) == [
        ["Aoki", "High touch", "1", "¥400,000", "2", "1"],
        ["Low touch", "1", "¥30,000", "1", "0"],
        ["Tech touch", "0", "¥0", "0", "0"],
        ["No touch model", "1", "¥0", "0", "0"],
        ["Total", "3", "¥430,000", "3", "1"],
        ["Baba", "High touch", "0", "¥0", "0", "0"],
        ["Low touch", "0", "¥0", "0", "0"],
        ["Tech touch", "1", "¥12,000", "1", "0"],
        ["No touch model", "0", "¥0", "0", "0"],
        ["Total", "1", "¥12,000", "1", "0"],
        ["No owner", "High touch", "1", "¥500,000", "0", "0"],
        ["Low touch", "0", "¥0", "0", "0"],
        ["Tech touch", "0", "¥0", "0", "0"],
        ["No touch model", "0", "¥0", "0", "0"],
        ["Total", "1", "¥500,000", "0", "0"],
    ]
    aoki_high = f'href="/accounts?mine=0&amp;owner_id={ids["Aoki"]}&amp;touch_model=high"'
    assert page.count(aoki_high) == 4  # every count of the cell links to its accounts
    ja = table_rows(web.get("/workload?lang=ja").text)
    assert ja[0] == ["Aoki", "ハイタッチ", "1", "￥400,000", "2", "1"]
    assert ja[3] == ["タッチモデルなし", "1", "￥0", "0", "0"]
    assert ja[10][0] == "担当CSMなし"
    assert 'href="/workload"' in web.get("/accounts").text  # in the navigation


def test_each_count_opens_its_accounts(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    ids = _book(sessions)

    def names(query: str) -> list[str]:
        rows = table_rows(web.get(f"/accounts?mine=0&{query}").text)
        return sorted(row[-1] if len(row) == 1 else row[1] for row in rows)  # 0: a checkbox

    aoki = ids["Aoki"]
    assert names(f"owner_id={aoki}&touch_model=high") == ["株式会社W1"]
    assert names(f"owner_id={aoki}&touch_model=low") == ["株式会社W2"]  # its own
    assert names(f"owner_id={aoki}&touch_model=none") == ["株式会社W3"]
    assert names(f"owner_id={aoki}&touch_model=tech") == ["No account matches."]
    assert names("touch_model=high") == ["株式会社W1", "株式会社W5"]
    assert names("touch_model=bogus") == [f"株式会社W{n}" for n in range(1, 6)]
    listing = table_rows(web.get(f"/accounts?mine=0&owner_id={ids['Baba']}").text)
    assert listing[0][4] == "Tech touch"  # the latest refresh's, shown in the list


def test_the_account_page_shows_its_touch_model_history(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    ids = _book(sessions)
    page = web.get(f"/accounts/{ids['W4']}?lang=en").text
    assert "Touch model history" in page
    history = page.split('id="touch-history"')[1].split("</section>")[0]
    assert history.index("From February 1, 2026: Tech touch") < history.index(
        "From January 25, 2026: High touch"
    )
    ja = web.get(f"/accounts/{ids['W4']}?lang=ja").text
    assert "2026年2月1日 から: テックタッチ" in ja
    assert (
        "まだ再計算でタッチモデルが割り当てられていません。"
        in web.get(f"/accounts/{ids['W3']}").text
    )


def test_viewers_do_not_see_the_workload(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    assert web.get("/workload").status_code == 403
    assert 'href="/workload"' not in web.get("/accounts").text


def test_the_workload_costs_the_same_for_few_or_many_owners(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], connection: Connection
) -> None:
    sign_in(Role.ADMIN)
    _book(sessions)

    def queries() -> int:
        web.get("/workload")  # warm
        with counted(connection) as statements:
            assert web.get("/workload").status_code == 200
        return len(statements)

    few = queries()
    with sessions() as s:
        for n in range(5):
            user(s, f"More{n}")
        s.commit()
    assert queries() == few
