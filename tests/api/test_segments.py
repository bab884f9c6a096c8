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


def test_a_rule_nested_too_deeply_is_a_422_naming_the_field(admin_api: TestClient) -> None:
    """Security review F7: 900 minus signs were stored (200) and broke the refresh; 1,900
    were a 500. Both are a 422 naming body.rule, in the reader's language."""
    for depth in (900, 1900):
        rule = "-" * depth + "mrr > 0"
        bad = admin_api.post("/segments", json={"name": "deep", "rule": rule[:2000]})
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["errors"][0]["loc"] == ["body.rule"]
        assert "32 levels" in bad.json()["errors"][0]["msg"]
    ja = admin_api.post(
        "/segments",
        json={"name": "deep", "rule": "not " * 40 + "mrr > 0"},
        headers={"Accept-Language": "ja"},
    )
    assert ja.status_code == 422
    assert "32 段" in ja.json()["errors"][0]["msg"]
    assert admin_api.get("/segments").json() == []
