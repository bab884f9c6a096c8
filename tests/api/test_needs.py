"""Needs, loyal customers and survey results through the API (data: tests/needs/*_data.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.conftest import make_key
from tests.needs.needs_data import add_needs_book
from tests.needs.voice_data import add_voice_book


def test_the_board_and_a_status_change(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        ids = add_needs_book(s)
        s.commit()
    board = admin_api.get("/needs").json()
    assert [r["title"] for r in board["ranked"]] == ["Slack通知", "PDF出力", "kintone連携"]
    assert board["ranked"][0]["arr"] == 3_600_000
    assert [r["title"] for r in board["not_estimated"]] == ["API拡張", "一括編集"]
    done = admin_api.post(f"/needs/{ids['N2']}/status", json={"status": "shipped"})
    assert done.status_code == 200
    assert done.json()["tasks_created"] == 2
    assert admin_api.post(f"/needs/{ids['N2']}/status", json={"status": "shipped"}).json() is None
    made = admin_api.post(
        "/needs", json={"title": "多言語", "effort_days": 5, "requests": [ids["lone"]]}
    )
    assert made.status_code == 201
    detail = admin_api.get(f"/needs/{made.json()['id']}").json()
    assert detail["row"]["value_for_effort"] == 120_000.0
    bad = admin_api.post("/needs", json={"title": "x", "requests": [999_999]})
    assert bad.status_code == 422


def test_roles(api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        ids = add_needs_book(s)
        s.commit()
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.CSM)}"
    assert api.post(f"/needs/{ids['N1']}/status", json={"status": "declined"}).status_code == 403
    assert (
        api.post(f"/needs/{ids['N1']}/requests", json={"requests": [ids["lone"]]}).status_code
        == 204
    )
    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.VIEWER)}"
    assert api.get("/needs").status_code == 200
    assert api.post("/needs", json={"title": "x"}).status_code == 403


def test_loyal_advocates_and_results(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        ids = add_voice_book(s)
        s.commit()
    loyal = admin_api.get("/loyal", params={"month": "2026-11"}).json()
    assert [c["name"] for c in loyal["customers"]] == ["株式会社L1"]
    every = admin_api.get("/loyal", params={"month": "2026-11", "green": "false"}).json()
    assert [c["name"] for c in every["customers"]] == ["株式会社L1", "株式会社L4"]
    r = admin_api.put(f"/contacts/{ids['C4']}/reference", json={"reference_ok": True})
    assert r.status_code == 204
    assert [a["name"] for a in admin_api.get("/loyal/advocates").json()] == [
        "担当L1",
        "担当L2",
        "担当L4",
    ]
    assert (
        admin_api.put("/contacts/999999/reference", json={"reference_ok": True}).status_code == 404
    )
    results = admin_api.get("/survey-results", params={"periods": 2}).json()
    assert len(results["trend"]) == 2
    assert set(results["trend"][0]["scores"]) == {"nps", "csat", "ces"}
