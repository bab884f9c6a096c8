"""Filters, sorting and cursor pagination, the same for every resource."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _names(api: TestClient, **params: object) -> list[str]:
    names: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = api.get("/accounts", params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        names += [a["name"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return names


def test_cursor_pages_walk_every_row_once_in_order(admin_api: TestClient) -> None:
    for name in ["E", "B", "D", "A", "C"]:
        admin_api.post("/accounts", json={"name": name, "plan": "Pro" if name < "D" else "Starter"})
    assert _names(admin_api, limit=2) == ["A", "B", "C", "D", "E"]
    assert _names(admin_api, limit=2, sort="-name") == ["E", "D", "C", "B", "A"]
    assert _names(admin_api, limit=1, plan="Pro") == ["A", "B", "C"]


def test_nullable_sort_column_keeps_nulls_last(admin_api: TestClient) -> None:
    for name, kana in [("x", "カ"), ("y", None), ("z", "ア")]:
        admin_api.post("/accounts", json={"name": name, "name_kana": kana})
    assert _names(admin_api, limit=1, sort="name_kana") == ["z", "x", "y"]
    assert _names(admin_api, limit=1, sort="-name_kana") == ["x", "z", "y"]


def test_bad_sort_cursor_or_filter_is_422(admin_api: TestClient) -> None:
    assert admin_api.get("/accounts", params={"sort": "password"}).status_code == 422
    assert admin_api.get("/accounts", params={"cursor": "garbage"}).status_code == 422
    assert admin_api.get("/accounts", params={"colour": "red"}).status_code == 422
    assert admin_api.get("/accounts", params={"limit": 0}).status_code == 422


def test_update_and_delete(admin_api: TestClient) -> None:
    created = admin_api.post("/accounts", json={"name": "旧社名", "external_id": "ACC-1"}).json()
    patched = admin_api.patch(f"/accounts/{created['id']}", json={"name": "新社名"})
    assert patched.json()["name"] == "新社名"
    assert patched.json()["external_id"] == "ACC-1"
    assert admin_api.delete(f"/accounts/{created['id']}").status_code == 204
    assert admin_api.get(f"/accounts/{created['id']}").status_code == 404


def test_taken_external_id_is_409(admin_api: TestClient) -> None:
    assert (
        admin_api.post("/accounts", json={"name": "a", "external_id": "ACC-9"}).status_code == 201
    )
    response = admin_api.post("/accounts", json={"name": "b", "external_id": "ACC-9"})
    assert response.status_code == 409
    assert "ACC-9" in response.json()["detail"]


def test_references_are_checked(admin_api: TestClient) -> None:
    a = admin_api.post("/accounts", json={"name": "a"}).json()["id"]
    b = admin_api.post("/accounts", json={"name": "b"}).json()["id"]
    missing = admin_api.post("/contacts", json={"account_id": 999999, "name": "山田"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "account_id"]
    contact = admin_api.post("/contacts", json={"account_id": a, "name": "山田"}).json()["id"]
    wrong = admin_api.post(
        "/responses",
        json={
            "account_id": b,
            "contact_id": contact,
            "kind": "nps",
            "score": 9,
            "answered_at": "2026-11-22T10:00:00+09:00",
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["loc"] == ["body", "contact_id"]


def test_every_foreign_key_is_checked_once(admin_api: TestClient) -> None:
    # The checks come from the models' foreign keys: a task's owner, an activity's contact
    # and user; a missing contact is reported once, not again as "of another account".
    account = admin_api.post("/accounts", json={"name": "a"}).json()["id"]
    task = admin_api.post(
        "/tasks", json={"account_id": 999999, "owner_id": 999998, "title": "Call"}
    )
    assert task.status_code == 422
    assert [(e["loc"], e["input"]) for e in task.json()["errors"]] == [
        (["body", "account_id"], 999999),
        (["body", "owner_id"], 999998),
    ]
    activity = admin_api.post(
        "/activities",
        json={
            "account_id": account,
            "contact_id": 999997,
            "user_id": 999996,
            "kind": "call",
            "subject": "Kick-off",
            "occurred_at": "2026-11-22T10:00:00+09:00",
        },
    )
    assert activity.status_code == 422
    assert [(e["loc"], e["input"]) for e in activity.json()["errors"]] == [
        (["body", "contact_id"], 999997),
        (["body", "user_id"], 999996),
    ]


def test_survey_scores_follow_their_scale(admin_api: TestClient) -> None:
    account = admin_api.post("/accounts", json={"name": "a"}).json()["id"]
    base = {"account_id": account, "answered_at": "2026-11-22T10:00:00+09:00"}
    assert (
        admin_api.post("/responses", json={**base, "kind": "nps", "score": 10}).status_code == 201
    )
    assert (
        admin_api.post("/responses", json={**base, "kind": "nps", "score": 11}).status_code == 422
    )
    assert (
        admin_api.post("/responses", json={**base, "kind": "csat", "score": 0}).status_code == 422
    )
    assert admin_api.post("/responses", json={**base, "kind": "ces", "score": 7}).status_code == 201
    stored = admin_api.get("/responses", params={"account_id": account, "kind": "nps"}).json()
    assert stored["items"][0]["answered_at"] == "2026-11-22T01:00:00Z"


def test_completing_a_task_stamps_it_and_reopening_clears_it(admin_api: TestClient) -> None:
    task = admin_api.post(
        "/tasks", json={"title": "更新の打ち合わせ", "due_date": "2026-12-01"}
    ).json()
    done = admin_api.patch(f"/tasks/{task['id']}", json={"status": "done"}).json()
    assert done["completed_at"] is not None
    reopened = admin_api.patch(f"/tasks/{task['id']}", json={"status": "open"}).json()
    assert reopened["completed_at"] is None
