"""Bad input gets 4xx problem+json naming the field, in the caller's language; never a 5xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.api import RESOURCES

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "name",
        "account_id",
        "amount",
        "currency",
        "start_date",
        "opened_at",
        "kind",
        "score",
        "title",
        "due_date",
        "external_id",
        "owner_id",
        "contact_id",
        "custom_fields",
    ]
)


def test_bad_json_is_400_problem(admin_api: TestClient) -> None:
    response = admin_api.post(
        "/accounts", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The request body is not valid JSON"


def test_wrong_type_is_422_naming_the_field(admin_api: TestClient) -> None:
    response = admin_api.post("/subscriptions", json={"account_id": "abc", "amount": -1})
    assert response.status_code == 422
    body = response.json()
    locs = [tuple(e["loc"]) for e in body["errors"]]
    assert ("body", "account_id") in locs
    assert ("body", "amount") in locs
    assert ("body", "product") in locs  # missing


def test_errors_speak_japanese_when_asked(admin_api: TestClient) -> None:
    response = admin_api.get("/accounts/999999", headers={"Accept-Language": "ja,en;q=0.5"})
    assert response.status_code == 404
    assert response.json()["title"] == "見つかりません"
    assert response.json()["detail"] == "顧客企業 999999 は存在しません"


def test_naive_timestamp_is_refused(admin_api: TestClient) -> None:
    account = admin_api.post("/accounts", json={"name": "A"}).json()
    response = admin_api.post(
        "/tickets",
        json={"account_id": account["id"], "subject": "s", "opened_at": "2026-11-22T10:00:00"},
    )
    assert response.status_code == 422
    assert ["body", "opened_at"] in [e["loc"] for e in response.json()["errors"]]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(RESOURCES),
    body=st.dictionaries(FIELDS, JSON, max_size=6) | JSON,
)
def test_random_bodies_never_cause_a_5xx(admin_api: TestClient, path: str, body: Any) -> None:
    for response in (admin_api.post(path, json=body), admin_api.patch(f"{path}/1", json=body)):
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
