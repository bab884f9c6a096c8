"""Writes through the API are in the audit log; only admins read it (GET /api/v1/audit)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.conftest import make_key

FIELDS = ("action", "entity", "field", "before", "after", "actor_kind", "actor_name", "origin")


def _rows(page: dict, *keys: str) -> list[tuple]:
    return [tuple(e[k] for k in keys) for e in page["items"]]


def test_an_api_update_is_recorded_field_by_field(admin_api: TestClient) -> None:
    created = admin_api.post("/accounts", json={"name": "Acme", "plan": "Pro"}).json()
    changed = admin_api.patch(
        f"/accounts/{created['id']}",
        json={"plan": "Enterprise", "name": "Acme"},  # the name is unchanged: no entry
        headers={"X-Request-ID": "req-42"},
    )
    assert changed.status_code == 200, changed.text

    log = admin_api.get("/audit", params={"account_id": created["id"]})
    assert log.status_code == 200, log.text
    page = log.json()
    # Newest first: the update, then the insert's fields in the model's column order.
    assert page["total"] == 5
    assert _rows(page, *FIELDS) == [
        ("update", "accounts", "plan", "Pro", "Enterprise", "api_key", "test-admin", "api"),
        ("insert", "accounts", "custom_fields", None, "{}", "api_key", "test-admin", "api"),
        ("insert", "accounts", "plan", None, "Pro", "api_key", "test-admin", "api"),
        ("insert", "accounts", "name", None, "Acme", "api_key", "test-admin", "api"),
        (
            "insert",
            "accounts",
            "external_id",
            None,
            created["external_id"],
            "api_key",
            "test-admin",
            "api",
        ),
    ]
    update = page["items"][0]
    assert (update["entity_id"], update["account_id"]) == (created["id"], created["id"])
    assert (update["client"], update["request_id"]) == ("testclient", "req-42")
    assert page["items"][1]["request_id"] is None


def test_filters_page_and_total(admin_api: TestClient) -> None:
    for name in ("A", "B", "C"):
        admin_api.post("/accounts", json={"name": name})
    page = admin_api.get(
        "/audit", params={"entity": "accounts", "actor": "test-admin", "per_page": 2, "page": 2}
    ).json()
    # 3 accounts × (external_id, name, custom_fields) = 9 entries; page 2 of 2 per page.
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (9, 2, 2, 2)
    none = admin_api.get("/audit", params={"actor": "someone else"}).json()
    assert (none["total"], none["items"]) == (0, [])
    bad = admin_api.get("/audit", params={"since": "2026-12-02", "until": "2026-12-01"})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CSM, Role.LEADER])
def test_only_admins_read_the_log(
    api: TestClient, sessions: sessionmaker[Session], role: Role
) -> None:
    answer = api.get("/audit", headers={"Authorization": f"Bearer {make_key(sessions, role)}"})
    assert answer.status_code == 403
    assert api.get("/audit").status_code == 401
