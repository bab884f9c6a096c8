"""Segments through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_store_list_and_refuse_segments(admin_api: TestClient) -> None:
    r = admin_api.post("/segments", json={"name": "big", "rule": "mrr >= 500000"})
    assert (r.status_code, r.json()["members"]) == (200, 0)
    assert [s["name"] for s in admin_api.get("/segments").json()] == ["big"]
    bad = admin_api.post("/segments", json={"name": "x", "rule": "open('/etc/passwd')"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    members = admin_api.get("/segments/big/members", params={"as_of": "2026-11-01"}).json()
    assert members == {"name": "big", "as_of": "2026-11-01", "account_ids": []}
    assert admin_api.get("/segments/none/members").status_code == 404
