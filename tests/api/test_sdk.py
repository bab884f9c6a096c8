"""The SDK's events endpoint: a batch from an allowed origin for a user the product's server
signed is stored once; a forged identity, another origin, an unknown key or account is one
403; a preflight answers CORS for listed origins only; the same JSON sent as text/plain (the
script's beacon when the page closes) is taken alike; the script is served small."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.events.service import count_events, list_events
from kasasu.kit.ratelimit import SlidingWindow
from kasasu.kit.recent import Recent
from kasasu.models import SdkEnvironment

APP = "https://app.example.jp"
SCRIPT = Path(__file__).resolve().parents[2] / "src" / "kasasu" / "web" / "static" / "sdk"


def _sign(secret: str, account: str, user: str) -> str:
    # As docs/sdk.md tells the product's server to: hex HMAC-SHA256 of "account:user".
    return hmac.new(secret.encode(), f"{account}:{user}".encode(), hashlib.sha256).hexdigest()


def _environment(admin_api: TestClient) -> tuple[str, str]:
    made = admin_api.post("/sdk/environments", json={"name": "production", "origins": [APP]}).json()
    return made["environment"]["public_key"], made["secret"]


def _batch(key: str, signature: str, *ids: str, account: str = "ACC-1") -> dict[str, object]:
    return {
        "environment": key,
        "account": account,
        "user": "u-42",
        "signature": signature,
        "events": [
            {"id": i, "name": "report_created", "at": "2026-12-04T01:00:00Z", "url": "/reports"}
            for i in ids
        ],
    }


def test_a_signed_batch_from_an_allowed_origin_is_stored_once(
    admin_api: TestClient, api_context: ApiContext
) -> None:
    admin_api.post("/accounts", json={"name": "青森精機", "external_id": "ACC-1"})
    key, secret = _environment(admin_api)
    del admin_api.headers["Authorization"]  # the product's page sends no API key
    good = _sign(secret, "ACC-1", "u-42")
    sent = admin_api.post("/sdk/events", json=_batch(key, good, "e1", "e2"),
                          headers={"Origin": APP})  # fmt: skip
    assert sent.status_code == 202, sent.text
    assert sent.json() == {"received": 2, "stored": 2}
    assert sent.headers["access-control-allow-origin"] == APP
    again = admin_api.post("/sdk/events", json=_batch(key, good, "e2", "e3"),
                           headers={"Origin": APP})  # fmt: skip
    assert again.json() == {"received": 2, "stored": 1}  # e2 was stored already
    assert count_events(api_context.events_path) == 3
    stored = list_events(api_context.events_path).to_pylist()[0]
    assert (stored["account_external_id"], stored["user_id"], stored["event_name"]) == (
        "ACC-1",
        "u-42",
        "report_created",
    )


def test_a_beacon_s_text_plain_body_is_taken_as_the_same_json(
    admin_api: TestClient, api_context: ApiContext
) -> None:
    admin_api.post("/accounts", json={"name": "青森精機", "external_id": "ACC-1"})
    key, secret = _environment(admin_api)
    del admin_api.headers["Authorization"]
    good = _sign(secret, "ACC-1", "u-42")
    # What navigator.sendBeacon sends for a Blob of type text/plain: no preflight first.
    plain = {"Origin": APP, "Content-Type": "text/plain;charset=UTF-8"}
    body = json.dumps(_batch(key, good, "b1", "b2"))
    sent = admin_api.post("/sdk/events", content=body, headers=plain)
    assert sent.status_code == 202, sent.text
    assert sent.json() == {"received": 2, "stored": 2}
    assert sent.headers["access-control-allow-origin"] == APP
    again = admin_api.post(
        "/sdk/events", json=_batch(key, good, "b2", "b3"), headers={"Origin": APP}
    )
    assert again.json() == {"received": 2, "stored": 1}  # b2 came in the beacon already
    assert count_events(api_context.events_path) == 3
    stored = list_events(api_context.events_path).to_pylist()
    assert {(e["user_id"], e["event_name"]) for e in stored} == {("u-42", "report_created")}
    # Refused as the same JSON is: the same status and problem, whichever type it came as.
    forged = json.dumps(_batch(key, _sign("guess", "ACC-1", "u-42"), "b4"))
    broken = json.dumps({"environment": key, "events": []})
    for text in (forged, broken, "{not json"):
        as_plain = admin_api.post("/sdk/events", content=text, headers=plain)
        as_json = admin_api.post(
            "/sdk/events", content=text, headers={"Origin": APP, "Content-Type": "application/json"}
        )
        assert as_plain.status_code == as_json.status_code != 202, text
        assert as_plain.json() == as_json.json()
    assert count_events(api_context.events_path) == 3


def test_a_checked_identity_is_not_asked_again_for_ten_seconds(
    admin_api: TestClient, api_context: ApiContext, sessions: sessionmaker[Session]
) -> None:
    admin_api.post("/accounts", json={"name": "青森精機", "external_id": "ACC-1"})
    key, secret = _environment(admin_api)
    del admin_api.headers["Authorization"]
    now = [100.0]
    checked: Recent[tuple[str, ...], tuple[int, int]] = Recent(10, clock=lambda: now[0])
    admin_api.app.state.kasasu = replace(api_context, sdk_checked=checked)
    good = _sign(secret, "ACC-1", "u-42")
    sent = admin_api.post("/sdk/events", json=_batch(key, good, "c1"), headers={"Origin": APP})
    assert sent.status_code == 202
    with sessions() as s:  # the environment is turned off
        s.execute(update(SdkEnvironment).values(enabled=False))
        s.commit()
    now[0] += 9.9  # still as checked a moment ago
    kept = admin_api.post("/sdk/events", json=_batch(key, good, "c2"), headers={"Origin": APP})
    assert kept.status_code == 202
    # Another signature, origin or user is checked afresh: refused at once.
    other = _batch(key, _sign(secret, "ACC-1", "u-43"), "c3") | {"user": "u-43"}
    assert admin_api.post("/sdk/events", json=other, headers={"Origin": APP}).status_code == 403
    now[0] += 0.1
    late = admin_api.post("/sdk/events", json=_batch(key, good, "c4"), headers={"Origin": APP})
    assert late.status_code == 403
    assert count_events(api_context.events_path) == 2


def test_the_events_route_documents_its_json_body(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/sdk/events"]["post"]
    assert operation["requestBody"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/SdkBatch"}}
    }
    assert operation["requestBody"]["required"] is True


def test_forged_identities_other_origins_and_unknown_keys_are_refused_alike(
    admin_api: TestClient, api_context: ApiContext
) -> None:
    admin_api.post("/accounts", json={"name": "青森精機", "external_id": "ACC-1"})
    admin_api.post("/accounts", json={"name": "弘前物産", "external_id": "ACC-2"})
    key, secret = _environment(admin_api)
    del admin_api.headers["Authorization"]
    good = _sign(secret, "ACC-1", "u-42")
    refusals = {
        # Posing as another customer with a signature made for ACC-1.
        "another account": (_batch(key, good, "x1", account="ACC-2"), APP),
        "a forged signature": (_batch(key, _sign("guess", "ACC-1", "u-42"), "x2"), APP),
        "no signature": (_batch(key, "", "x3"), APP),
        "another site": (_batch(key, good, "x4"), "https://evil.example.com"),
        "no origin": (_batch(key, good, "x5"), None),
        "an unknown key": (_batch("pk_nothing", good, "x6"), APP),
        "an unknown account": (
            _batch(key, _sign(secret, "ACC-9", "u-42"), "x7", account="ACC-9"),
            APP,
        ),
    }
    for case, (body, origin) in refusals.items():
        headers = {"Origin": origin} if origin else {}
        refused = admin_api.post("/sdk/events", json=body, headers=headers)
        assert refused.status_code == 403, case
        assert refused.json()["detail"] == "These events are not accepted", case
    assert count_events(api_context.events_path) == 0


def test_preflight_answers_listed_origins_only(admin_api: TestClient) -> None:
    _environment(admin_api)
    asked = {"Access-Control-Request-Method": "POST"}
    listed = admin_api.options("/sdk/events", headers={"Origin": APP, **asked})
    assert listed.status_code == 204
    assert listed.headers["access-control-allow-origin"] == APP
    other = admin_api.options("/sdk/events", headers={"Origin": "https://x.example", **asked})
    assert other.status_code == 403
    assert "access-control-allow-origin" not in other.headers


def test_a_flood_from_one_address_is_throttled(
    admin_api: TestClient, api_context: ApiContext
) -> None:
    admin_api.post("/accounts", json={"name": "青森精機", "external_id": "ACC-1"})
    key, secret = _environment(admin_api)
    admin_api.app.state.kasasu = replace(api_context, sdk_limit=SlidingWindow(2, 60))
    good = _sign(secret, "ACC-1", "u-42")
    sent = [
        admin_api.post("/sdk/events", json=_batch(key, good, f"f{n}"), headers={"Origin": APP})
        for n in range(3)
    ]
    assert [r.status_code for r in sent] == [202, 202, 429]
    assert int(sent[2].headers["retry-after"]) > 0


def test_the_script_is_small_and_uses_no_library() -> None:
    text = (SCRIPT / "kasasu.js").read_bytes()
    assert len(gzip.compress(text)) <= 20_000  # issue 17: at most 20 KB gzipped
    assert b"import " not in text
    assert b"require(" not in text
