"""Input one database would take and the other would fail on gets the same 4xx on both.

Security review F3 (NUL bytes: 500 on PostgreSQL, stored on SQLite) and F4 (ids beyond 64
bits, INTEGER overflow, explicit nulls on required fields, NaN and Infinity: 500s), F16
(numbers read as dates, 405 without Allow). ``admin_api`` runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

BEYOND_BIGINT = 2**63  # one past PostgreSQL's BIGINT and SQLite's INTEGER
BEYOND_INTEGER = 2**31  # one past PostgreSQL's INTEGER


def _account(api: TestClient, name: str = "Edge 株式会社") -> int:
    response = api.post("/accounts", json={"name": name, "domain": "edge.example"})
    assert response.status_code == 201, response.text
    account_id: int = response.json()["id"]
    return account_id


def test_nul_in_a_json_body_is_400_naming_the_field(admin_api: TestClient) -> None:
    response = admin_api.post("/accounts", json={"name": "a\x00b"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "body.name: Contains a NUL character (U+0000)"
    assert admin_api.get("/accounts").json()["items"] == []


def test_nul_in_a_query_is_refused_not_matched(admin_api: TestClient) -> None:
    _account(admin_api)
    response = admin_api.get("/accounts", params={"q": "\x00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "Contains a NUL character (U+0000)"


def test_nul_in_a_path_is_refused(admin_api: TestClient) -> None:
    response = admin_api.get("/segments/a%00b/members")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [f"/accounts/{BEYOND_BIGINT}", f"/needs/{BEYOND_BIGINT}", f"/accounts/{BEYOND_BIGINT}/health"],
)
def test_ids_beyond_64_bits_in_a_path_are_422(admin_api: TestClient, path: str) -> None:
    response = admin_api.get(path)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "path"


def test_ids_beyond_64_bits_in_a_query_or_a_list_are_422(admin_api: TestClient) -> None:
    assert admin_api.get("/tasks", params={"owner_id": BEYOND_BIGINT}).status_code == 422
    response = admin_api.post("/needs", json={"title": "x", "requests": [BEYOND_BIGINT]})
    assert response.status_code == 422
    response = admin_api.post(
        "/surveys/campaigns", json={"name": "c", "kind": "nps", "contacts": [BEYOND_BIGINT]}
    )
    assert response.status_code == 422


def test_true_is_not_the_id_1(admin_api: TestClient) -> None:
    response = admin_api.post(
        "/surveys/campaigns", json={"name": "c", "kind": "nps", "contacts": [True]}
    )
    assert response.status_code == 422


def test_a_count_beyond_a_32_bit_column_is_422(admin_api: TestClient) -> None:
    account_id = _account(admin_api)
    line = {
        "account_id": account_id,
        "product": "Pro",
        "amount": 10_000,
        "currency": "JPY",
        "start_date": "2026-04-01",
        "seats": BEYOND_INTEGER,
    }
    response = admin_api.post("/subscriptions", json=line)
    assert response.status_code == 422
    assert ["body", "seats"] in [e["loc"] for e in response.json()["errors"]]
    assert admin_api.post("/subscriptions", json={**line, "seats": 2**31 - 1}).status_code == 201


def test_an_explicit_null_clears_only_what_may_be_empty(admin_api: TestClient) -> None:
    account_id = _account(admin_api)
    response = admin_api.patch(f"/accounts/{account_id}", json={"name": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["body", "name"], "msg": "Required", "input": None}
    ]
    assert admin_api.get(f"/accounts/{account_id}").json()["name"] == "Edge 株式会社"
    cleared = admin_api.patch(f"/accounts/{account_id}", json={"domain": None})
    assert cleared.status_code == 200
    assert cleared.json()["domain"] is None


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"name": "x", "custom_fields": {"v": NaN}}', "NaN is not a number JSON allows"),
        (b'{"name": "x", "custom_fields": {"v": -Infinity}}', "-Infinity is not a number JSON"),
        (b'{"name": "x", "custom_fields": {"v": 1e400}}', "Number out of range: 1e400"),
    ],
)
def test_non_finite_numbers_are_400(admin_api: TestClient, body: bytes, detail: str) -> None:
    response = admin_api.post(
        "/accounts", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert admin_api.get("/accounts").json()["items"] == []


def test_deep_nesting_is_400_saying_so(admin_api: TestClient) -> None:
    body = b'{"name": "x", "custom_fields": {"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = admin_api.post(
        "/accounts", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON is nested too deeply"


def test_a_non_finite_value_in_a_problem_is_rendered_as_text(admin_api: TestClient) -> None:
    # The events route parses its own body; its 422 still has to serialise the bad value.
    response = admin_api.post(
        "/events",
        content=b'[{"account_id": "A", "event": "e", "timestamp": "2026-11-22T10:30:00Z",'
        b' "value": NaN}]',
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("value", ["0", "0.5", "1e3", "-1"])
def test_a_number_is_not_a_date(admin_api: TestClient, value: str) -> None:
    response = admin_api.get("/health", params={"as_of": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "Must be a date like 2026-11-22"
    assert admin_api.get("/tasks", params={"due_date_to": value}).status_code == 422
    assert admin_api.get("/activities", params={"occurred_at_to": value}).status_code == 422


def test_405_lists_every_method_of_the_path(admin_api: TestClient) -> None:
    response = admin_api.request("TRACE", "/accounts")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    item = admin_api.request("OPTIONS", "/accounts/1")
    assert item.headers["allow"] == "DELETE, GET, PATCH"


def test_the_openapi_document_declares_problems(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    patch = document["paths"]["/accounts/{row_id}"]["patch"]["responses"]
    assert set(patch) >= {"200", "400", "401", "403", "404", "409", "413", "422", "503"}
    assert list(patch["422"]["content"]) == ["application/problem+json"]
    widget = document["paths"]["/widget/answer"]["post"]["responses"]
    assert "429" in widget
    assert "401" not in widget
    sort = next(
        p for p in document["paths"]["/accounts"]["get"]["parameters"] if p["name"] == "sort"
    )
    assert "-name" in str(sort["schema"])
