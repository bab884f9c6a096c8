from __future__ import annotations

from fastapi.testclient import TestClient


def test_create_then_read_account_in_japanese(admin_api: TestClient) -> None:
    created = admin_api.post(
        "/accounts", json={"name": "株式会社サンプル", "name_kana": "サンプル", "plan": "Pro"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "株式会社サンプル"
    assert body["external_id"].startswith("acct-")
    fetched = admin_api.get(f"/accounts/{body['id']}")
    assert fetched.json()["name_kana"] == "サンプル"


def test_search_finds_account_by_kana(admin_api: TestClient) -> None:
    for name, kana in [("株式会社アルファ", "アルファ"), ("ベータ商事", "ベータショウジ")]:
        admin_api.post("/accounts", json={"name": name, "name_kana": kana})
    found = admin_api.get("/accounts", params={"q": "ベータ"}).json()["items"]
    assert [a["name"] for a in found] == ["ベータ商事"]
