"""Segment's HTTP API at /v1, driven by the real ``segment-analytics-python`` client against
a running Kasasu: groups make accounts, identifies make contacts, tracks and pages land in
the event store once each; refusals are 4xx and change nothing."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
import sqlalchemy as sa
from benchmarks.serving import served
from segment.analytics import Client

from kasasu.events.service import list_events
from tests.support.cli import data_env, kasasu

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(__name__)]  # a server process

TRACKS = 2_000


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A served Kasasu, its base URL and a source's write key."""
    data = tmp_path_factory.mktemp("intake")
    assert kasasu(data, "init").returncode == 0
    made = kasasu(data, "sources", "create", "product")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    env = {**data_env(data), "KASASU_DEV_MODE": "true", "KASASU_REFRESH__SCHEDULED": "false"}
    with served(env, log=data / "serve.log") as (base, _server):
        yield base, key, data


def _rows(data: Path, sql: str) -> list[sa.Row[tuple[object, ...]]]:
    engine = sa.create_engine(f"sqlite:///{data}/kasasu.db")
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql)))
    finally:
        engine.dispose()


def _events(data: Path, sql: str) -> list[tuple[object, ...]]:
    """``sql`` over the stored events, read as the product reads its store (waiting while
    the server holds the file for a write)."""
    usage_events = list_events(data / "events.duckdb", limit=100_000)  # noqa: F841 - read by SQL
    return duckdb.sql(sql).fetchall()


def test_the_segment_client_lands_accounts_contacts_and_events(
    intake: tuple[str, str, Path],
) -> None:
    base, key, data = intake
    errors: list[object] = []
    client = Client(write_key=key, host=base, on_error=lambda e, _b: errors.append(e),
                    upload_size=100, max_retries=0)  # fmt: skip
    client.group("u-1", "ACME", traits={"name": "アクメ株式会社", "plan": "Pro"})
    client.identify("u-1", {"email": "taro@acme.example", "name": "山田 太郎"})
    client.identify("u-2", {"email": "hanako@acme.example", "name": "鈴木 花子"})
    client.group("u-2", "ACME")  # the traits came first: the contact is made now
    for k in range(TRACKS):
        client.track(f"u-{k % 2 + 1}", "report_exported", {"rows": k}, message_id=f"m-{k}")
    client.track("u-1", "report_exported", {"rows": 0}, message_id="m-0")  # sent twice
    client.track("u-1", "credits_bought", {"value": 5_000}, message_id="buy-1")
    client.page("u-2", "Settings", "Billing", {"url": "https://app.example/billing"},
                message_id="page-1")  # fmt: skip
    client.track("u-9", "login", message_id="lost-1")  # nobody tied u-9 to an account
    client.flush()
    client.join()
    assert errors == []
    [(name, plan)] = _rows(data, "SELECT name, plan FROM accounts WHERE external_id = 'ACME'")
    assert (name, plan) == ("アクメ株式会社", "Pro")
    people = _rows(data, "SELECT external_id, name, email FROM contacts ORDER BY external_id")
    assert [tuple(p) for p in people] == [
        ("u-1", "山田 太郎", "taro@acme.example"),
        ("u-2", "鈴木 花子", "hanako@acme.example"),
    ]
    [(events, accounts)] = _events(
        data, "SELECT count(*), count(DISTINCT account_external_id) FROM usage_events"
    )
    assert (events, accounts) == (TRACKS + 2, 1)  # m-0 once; the page; the purchase
    [(value,)] = _events(data, "SELECT value FROM usage_events WHERE event_id = 'buy-1'")
    assert value == 5_000
    [(page, props)] = _events(
        data, "SELECT event_name, properties FROM usage_events WHERE event_id = 'page-1'"
    )
    assert page == "page_viewed"
    assert json.loads(str(props))["name"] == "Billing"
    assert _events(data, "SELECT count(*) FROM usage_events WHERE event_id = 'lost-1'") == [(0,)]


def test_one_call_with_basic_auth_and_the_skipped_one_is_said(
    intake: tuple[str, str, Path],
) -> None:
    base, key, _data = intake
    basic = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    lost = httpx.post(f"{base}/v1/track", headers={"Authorization": basic},
                      json={"userId": "u-404", "event": "login", "messageId": "x-1"})  # fmt: skip
    assert lost.status_code == 200, lost.text
    body = lost.json()
    assert (body["success"], body["events_stored"]) == (True, 0)
    assert body["skipped"][0]["message_id"] == "x-1"
    assert "u-404" in body["skipped"][0]["reason"]
    # A call whose properties pass 32 kB is skipped; the rest of its batch is stored.
    big = {"type": "track", "userId": "u-1", "event": "e", "messageId": "big-1",
           "properties": {"blob": "x" * 40_000}}  # fmt: skip
    fine = {**big, "messageId": "fine-1", "properties": {"rows": 1}}
    mixed = httpx.post(f"{base}/v1/batch", json={"writeKey": key, "batch": [big, fine]})
    assert mixed.status_code == 200, mixed.text
    assert (mixed.json()["events_stored"], mixed.json()["skipped"][0]["message_id"]) == (
        1,
        "big-1",
    )


def test_refusals_change_nothing(intake: tuple[str, str, Path]) -> None:
    base, key, data = intake
    before = _events(data, "SELECT count(*) FROM usage_events")
    call = {"userId": "u-1", "event": "login", "messageId": "refused-1",
            "context": {"groupId": "ACME"}}  # fmt: skip
    unknown = httpx.post(f"{base}/v1/track", json={**call, "writeKey": "wk_nobody"})
    assert unknown.status_code == 401
    assert unknown.headers["content-type"].startswith("application/problem+json")
    missing = httpx.post(f"{base}/v1/batch", json={"batch": [{**call, "type": "track"}]})
    assert missing.status_code == 401
    broken = httpx.post(f"{base}/v1/batch", content=b'{"batch": [', headers={
        "Content-Type": "application/json"})  # fmt: skip
    assert broken.status_code == 400
    cut = gzip.compress(json.dumps({"writeKey": key, "batch": [call]}).encode())[:-12]
    truncated = httpx.post(f"{base}/v1/batch", content=cut, headers={
        "Content-Type": "application/json", "Content-Encoding": "gzip"})  # fmt: skip
    assert truncated.status_code == 400
    wrong = httpx.post(f"{base}/v1/batch", json={"writeKey": key, "batch": [{"type": "nope"}]})
    assert wrong.status_code == 422
    assert "type" in wrong.text
    assert kasasu(data, "sources", "revoke", "product").returncode == 0
    revoked = httpx.post(f"{base}/v1/track", json={**call, "writeKey": key})
    assert revoked.status_code == 401
    assert _events(data, "SELECT count(*) FROM usage_events") == before
