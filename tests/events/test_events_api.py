"""POST /events over the real API: dedup, problem+json for bad batches, roles, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.domain.choices import Role
from kasasu.events.service import count_events
from tests.conftest import make_key


def events(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "event_id": f"e{i}",
            "account_id": "ACME",
            "event": "login",
            "timestamp": "2026-11-22T10:30:00+09:00",
        }
        for i in range(start, start + n)
    ]


def test_a_batch_is_stored_once(admin_api: TestClient, api_context: ApiContext) -> None:
    first = admin_api.post("/events", json=events(3))
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 3, "inserted": 3, "duplicates": 0}
    again = admin_api.post("/events", json=events(3, start=2))
    assert again.json() == {"received": 3, "inserted": 2, "duplicates": 1}
    assert count_events(api_context.events_path) == 5


def test_a_naive_timestamp_names_event_and_field(admin_api: TestClient) -> None:
    batch = events(2)
    batch[1]["timestamp"] = "2026-11-22T10:30:00"
    response = admin_api.post("/events", json=batch)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["loc"] == ["body", 1, "timestamp"]
    assert "UTC offset" in body["errors"][0]["msg"]
    assert body["detail"].startswith("Event 1, timestamp")


def test_wrong_types_and_missing_fields(admin_api: TestClient, api_context: ApiContext) -> None:
    batch = events(3)
    batch[0]["value"] = "lots"
    del batch[2]["account_id"]
    body = admin_api.post("/events", json=batch).json()
    assert body["status"] == 422
    assert [e["loc"] for e in body["errors"]] == [["body", 0, "value"], ["body", 2, "account_id"]]
    assert count_events(api_context.events_path) == 0
    assert admin_api.post("/events", json={"not": "a list"}).status_code == 422


def test_not_json_is_400(admin_api: TestClient) -> None:
    response = admin_api.post(
        "/events", content=b"[{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON"


def test_more_than_ten_thousand_events_is_413(admin_api: TestClient) -> None:
    body = json.dumps(events(10_001))
    response = admin_api.post("/events", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "10,001 events" in response.json()["detail"]
    assert admin_api.post("/events", content=json.dumps(events(10_000))).status_code == 200


def test_only_roles_that_import(api: TestClient, sessions: sessionmaker[Session]) -> None:
    assert api.post("/events", json=events(1)).status_code == 401
    csm = {"Authorization": f"Bearer {make_key(sessions, Role.CSM)}"}
    assert api.post("/events", json=events(1), headers=csm).status_code == 403
    leader = {"Authorization": f"Bearer {make_key(sessions, Role.LEADER)}"}
    assert api.post("/events", json=events(1), headers=leader).status_code == 200


def test_openapi_shows_the_request_schema(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/events"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["maxItems"] == 10_000
    assert {"account_id", "event", "timestamp"} <= set(schema["items"]["required"])
    assert operation["tags"] == ["events"]
