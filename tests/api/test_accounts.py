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


def test_external_ids_per_source(admin_api: TestClient) -> None:
    a = admin_api.post("/accounts", json={"name": "アクメ"}).json()["id"]
    b = admin_api.post("/accounts", json={"name": "ベータ"}).json()["id"]
    assert admin_api.get(f"/accounts/{a}/external-ids").json() == {}
    put = admin_api.put(f"/accounts/{a}/external-ids/hubspot", json={"external_id": "9001001"})
    assert put.status_code == 200, put.text
    admin_api.put(f"/accounts/{a}/external-ids/stripe", json={"external_id": "cus_A"})
    assert admin_api.get(f"/accounts/{a}/external-ids").json() == {
        "hubspot": "9001001",
        "stripe": "cus_A",
    }
    taken = admin_api.put(f"/accounts/{b}/external-ids/stripe", json={"external_id": "cus_A"})
    assert taken.status_code == 409
    assert admin_api.get(f"/accounts/{b}/external-ids").json() == {}
    assert admin_api.get("/accounts/999999/external-ids").status_code == 404
    bad = admin_api.put(f"/accounts/{a}/external-ids/Hub Spot", json={"external_id": "1"})
    assert bad.status_code == 422


def test_sync_status_lists_each_connectors_last_run(admin_api: TestClient) -> None:
    assert admin_api.get("/sync/status").json() == []
