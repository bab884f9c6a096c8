"""Ownership in the web: capacity per CSM, storing a rule (errors inline), the preview of
what the rules do, applying them, and the rule named on the account page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import Account, User
from tests.web.conftest import SignIn, csrf
from tests.web.tables import table_rows


def _world(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        sato = User(email="sato@x.jp", name="佐藤", role=Role.CSM, account_capacity=1)
        kato = User(email="kato@x.jp", name="加藤", role=Role.CSM)
        s.add_all([sato, kato])
        s.flush()
        ids = {"sato": sato.id, "kato": kato.id}
        for name, region in [("仙台商事", "東北"), ("盛岡物産", "東北"), ("大阪工業", "関西")]:
            account = Account(external_id=name, name=name, custom_fields={"地域": region})
            s.add(account)
            s.flush()
            ids[name] = account.id
        s.commit()
    return ids


def test_a_leader_stores_a_rule_previews_and_applies_it(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    ids = _world(sessions)
    page = web.get("/ownership?lang=en").text
    assert "<h1>Ownership</h1>" in page
    assert "3 accounts have no CSM. The rules give 0 of them one now; 3 match no rule" in page
    token = csrf(page)

    bad = web.post(
        "/ownership/rules",
        data={
            "csrf_token": token,
            "name": "tohoku",
            "condition": "custom.地域 ==",
            "method": "round_robin",
        },
    )
    assert bad.status_code == 422
    assert 'id="rule-condition" name="condition"' in bad.text
    assert 'aria-invalid="true" aria-describedby="rule-condition-error"' in bad.text
    assert 'aria-invalid="true" aria-describedby="rule-owners-error"' in bad.text  # nobody chosen
    assert "custom.地域 ==</textarea>" in bad.text  # what was typed is kept

    stored = web.post(
        "/ownership/rules",
        data={
            "csrf_token": token,
            "name": "tohoku",
            "condition": 'custom.地域 == "東北"',
            "method": "round_robin",
            "owners": [str(ids["sato"]), str(ids["kato"])],
            "enabled": "on",
        },
        follow_redirects=False,
    )
    assert stored.status_code == 303
    page = web.get("/ownership?lang=en").text
    assert "3 accounts have no CSM. The rules give 2 of them one now; 1 match no rule" in page
    rows = table_rows(page)
    assert ["仙台商事", "佐藤", "tohoku (Round robin)"] in rows
    assert ["盛岡物産", "加藤", "tohoku (Round robin)"] in rows

    applied = web.post("/ownership/apply", data={"csrf_token": token}, follow_redirects=False)
    assert applied.status_code == 303
    with sessions() as s:
        assert s.get(Account, ids["仙台商事"]).owner_id == ids["sato"]
        assert s.get(Account, ids["大阪工業"]).owner_id is None
    page = web.get("/ownership?lang=ja").text
    assert "担当CSMのいない顧客は 1 件です" in page
    # 佐藤: 1 account of 1 → full, first in the capacity table
    capacity = [r for r in table_rows(page) if r and r[0] in {"佐藤", "加藤"}]
    assert capacity[0][0] == "佐藤"
    assert capacity[0][4] == "100.0%"
    account = web.get(f"/accounts/{ids['仙台商事']}?lang=ja").text
    assert "ルール「tohoku」（順番に（ラウンドロビン））により割り当て" in account
    unowned = web.get("/accounts?mine=0&owner_id=none&lang=en").text
    assert "大阪工業" in unowned
    assert "仙台商事" not in unowned


def test_capacity_is_set_by_leaders_and_csms_only_read(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    ids = _world(sessions)
    page = web.get("/ownership?lang=en").text
    assert 'action="/ownership/rules"' not in page
    assert 'action="/ownership/apply"' not in page
    refused = web.post(
        f"/ownership/capacity/{ids['kato']}", data={"csrf_token": csrf(page), "capacity": "5"}
    )
    assert refused.status_code == 403


def test_a_viewer_does_not_see_it(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    assert web.get("/ownership").status_code == 403


def test_numbers_beyond_what_the_database_holds_are_no_server_error(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    ids = _world(sessions)
    token = csrf(web.get("/ownership").text)
    huge = "9" * 30
    saved = web.post(
        f"/ownership/capacity/{ids['kato']}", data={"csrf_token": token, "capacity": huge}
    )
    assert saved.status_code == 303
    with sessions() as s:
        assert s.get(User, ids["kato"]).account_capacity == 2**31 - 1  # the most it can be
    refused = web.post(
        "/ownership/rules",
        data={
            "csrf_token": token,
            "name": "x",
            "method": "fixed",
            "owners": [huge],
            "enabled": "on",
        },
    )
    assert refused.status_code == 422  # no CSM chosen: the huge id names nobody
    grouped = web.post(
        "/needs/group", data={"csrf_token": token, "request_id": huge, "need": "new"}
    )
    assert grouped.status_code == 422
    invited = web.post(
        f"/accounts/{ids['仙台商事']}/survey-invitations",
        data={"csrf_token": token, "kind": "nps", "contact_ids": [huge]},
        follow_redirects=False,
    )
    assert invited.status_code == 303
    assert "invited=0" in invited.headers["location"]
