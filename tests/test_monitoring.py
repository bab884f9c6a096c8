"""Issue 21, observability: /metrics (Prometheus), /livez and /readyz on the composed app.

The metrics are the process's (prometheus-client's registry is global), so each test reads
what its own calls added: the value after them less the value before.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from benchmarks.serving import free_port
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.orm import Session

from kasasu.app import create_app
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import Role
from kasasu.events.readiness import store_ready
from kasasu.kit.metrics import UNMATCHED, observe_job
from kasasu.models import Account, Playbook, PlaybookAction, PlaybookRun
from kasasu.settings import Settings
from kasasu.settings.sections import ServerSettings
from kasasu.warehouse.backends import EVENTS_DATABASE
from tests.conftest import make_key

LOOPBACK = ("127.0.0.1", 50000)
ELSEWHERE = ("203.0.113.9", 50000)  # TEST-NET-3: an address on the internet
TOKEN = "scrape-token-0123456789abcdef0123456789"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]  # (name, labels) → value


def _settings(data: Path, **more: object) -> Settings:
    return Settings(
        data_dir=data, secret_key=SecretStr("x" * 40), dev_mode=True, locale="en", **more
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    data = tmp_path_factory.mktemp("monitoring")
    settings = _settings(data)
    upgrade(settings.database_url)
    return create_app(settings)


@pytest.fixture
def local(app: FastAPI) -> Iterator[TestClient]:
    """A client on this machine (loopback), which /metrics answers without a token."""
    with TestClient(app, client=LOOPBACK) as client:
        yield client


def samples(client: TestClient) -> Samples:
    """(sample name, labels) → value, as Prometheus parses the scrape."""
    scraped = client.get("/metrics")
    assert scraped.status_code == 200, scraped.text
    assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(scraped.text)
        for s in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_template(local: TestClient) -> None:
    template = {"route": "/api/v1/accounts/{row_id}", "method": "GET", "status": "4xx"}
    unmatched = {"route": UNMATCHED, "method": "GET", "status": "4xx"}
    before = samples(local)
    for row in (7, 8, 9):  # no key: 401, each under the route's template
        assert local.get(f"/api/v1/accounts/{row}").status_code == 401
    for _ in range(2):
        assert local.get("/no-such-page/42").status_code == 404
    assert local.get("/livez").text == "ok"
    after = samples(local)

    def added(name: str, labels: dict[str, str]) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert added("kasasu_http_requests_total", template) == 3
    assert added("kasasu_http_request_duration_seconds_count", template) == 3
    assert added("kasasu_http_requests_total", unmatched) == 2
    live = {"route": "/livez", "method": "GET", "status": "2xx"}
    assert added("kasasu_http_requests_total", live) == 1
    # Every request within the 30 s bucket; never a URL (an id) as a route.
    assert added("kasasu_http_request_duration_seconds_bucket", {**template, "le": "30.0"}) == 3
    routes = {dict(labels).get("route") for _name, labels in after}
    assert not any(r and ("/7" in r or "/42" in r) for r in routes), routes


def test_a_job_observed_appears_with_its_result(local: TestClient) -> None:
    before = samples(local)
    observe_job("test-nightly", 12.5, "failed")
    observe_job("test-nightly", 0.5, "ok")
    observe_job("test-nightly", 0.25, "ok")
    after = samples(local)
    for result, runs in (("failed", 1), ("ok", 2), ("skipped", 0)):
        labels = {"job": "test-nightly", "result": result}
        assert (
            value(after, "kasasu_job_runs_total", **labels)
            - value(before, "kasasu_job_runs_total", **labels)
            == runs
        ), result
    job = {"job": "test-nightly"}
    assert value(after, "kasasu_job_duration_seconds_sum", **job) - value(
        before, "kasasu_job_duration_seconds_sum", **job
    ) == pytest.approx(13.25)
    # 12.5 s falls in the 15 s bucket, not the 5 s one.
    assert (
        value(after, "kasasu_job_duration_seconds_bucket", le="5.0", **job)
        - value(before, "kasasu_job_duration_seconds_bucket", le="5.0", **job)
        == 2
    )


def test_events_stored_are_counted_once(app: FastAPI, local: TestClient) -> None:
    key = make_key(app.state.kasasu.sessions, Role.ADMIN)
    event = {"account_id": "ACC-1", "event": "login", "timestamp": "2026-11-20T10:00:00+09:00"}
    batch = [{**event, "event_id": f"e-{i}"} for i in range(3)]
    headers = {"Authorization": f"Bearer {key}"}
    before = value(samples(local), "kasasu_events_ingested_total")
    assert local.post("/api/v1/events", json=batch, headers=headers).json()["inserted"] == 3
    # Two already stored and one new: one more.
    again = [*batch[:2], {**event, "event_id": "e-3"}]
    assert local.post("/api/v1/events", json=again, headers=headers).json()["inserted"] == 1
    assert value(samples(local), "kasasu_events_ingested_total") - before == 4


def test_owed_playbook_actions_are_measured_at_each_scrape(app: FastAPI, local: TestClient) -> None:
    now = datetime.now(UTC)
    # Owed: pending; failed with tries left (1 of 3); running since before the 30 minutes
    # after which another runner takes it. Not owed: done; failed 3 times; running now.
    kinds = [
        ("pending", 0, None),
        ("failed", 1, now - timedelta(hours=1)),
        ("running", 1, now - timedelta(hours=2)),
        ("done", 1, now),
        ("failed", 3, now),
        ("running", 1, now),
    ]
    with app.state.kasasu.sessions() as s:
        assert isinstance(s, Session)
        account = Account(external_id="owed-1", name="Owed", custom_fields={})
        playbook = Playbook(name="owed-test", definition={})
        s.add_all([account, playbook])
        s.flush()
        run = PlaybookRun(
            playbook_id=playbook.id,
            account_id=account.id,
            window="2026-11-24",
            fired_on=now.date(),
            trigger={},
        )
        s.add(run)
        s.flush()
        s.add_all(
            PlaybookAction(
                run_id=run.id, position=i, kind="task", status=status, attempts=tries, started_at=at
            )
            for i, (status, tries, at) in enumerate(kinds)
        )
        s.commit()
    assert value(samples(local), "kasasu_playbook_actions_owed") == 3


@pytest.mark.parametrize(
    ("client", "headers", "status"),
    [
        (LOOPBACK, {}, 200),
        (("::1", 50000), {}, 200),
        (ELSEWHERE, {}, 403),
        (LOOPBACK, {"X-Forwarded-For": "198.51.100.7"}, 403),  # a proxy on this machine
        (LOOPBACK, {"Forwarded": "for=198.51.100.7"}, 403),
        (LOOPBACK, {"Authorization": f"Bearer {TOKEN}"}, 200),  # a token set nowhere: loopback
    ],
)
def test_without_a_token_metrics_answer_this_machine_only(
    app: FastAPI, client: tuple[str, int], headers: dict[str, str], status: int
) -> None:
    with TestClient(app, client=client) as c:
        answer = c.get("/metrics", headers=headers)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert "KASASU_SERVER__METRICS_TOKEN" in answer.json()["detail"]
        assert "kasasu_" not in answer.text


def test_with_a_token_metrics_answer_whoever_sends_it(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, server=ServerSettings(metrics_token=SecretStr(TOKEN))))
    for client in (ELSEWHERE, LOOPBACK):
        with TestClient(app, client=client) as c:
            right = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            assert right.status_code == 200
            assert "kasasu_http_requests_total" in right.text
            for wrong in ({}, {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": TOKEN}):
                refused = c.get("/metrics", headers=wrong)
                assert refused.status_code == 401, wrong
                assert refused.headers["www-authenticate"] == "Bearer"
                assert "kasasu_" not in refused.text


def test_livez_and_readyz_answer_anyone(app: FastAPI) -> None:
    with TestClient(app, client=ELSEWHERE) as c:
        assert c.get("/livez").text == "ok"
        ready = c.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "status": "ready",
            "checks": {"database": "ok", "event_store": "ok"},
            "failed": [],
        }
        assert c.get("/healthz").text == "ok"  # the old probe, as it was


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_readyz_names_an_unreachable_database(database: str, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    url = (
        f"postgresql+psycopg://kasasu@127.0.0.1:{free_port()}/kasasu"  # nothing listens there
        if database == "postgresql"
        else f"sqlite:///{gone / 'kasasu.db'}"
    )
    app = create_app(_settings(tmp_path / "data", database_url=url))
    shutil.rmtree(gone, ignore_errors=True)  # the engine made it; a disk unmounted since
    with TestClient(app) as c:
        answer = c.get("/readyz")
        assert answer.status_code == 503
        assert answer.json() == {
            "status": "unavailable",
            "checks": {"database": "failed", "event_store": "ok"},
            "failed": ["database"],
        }
        assert c.get("/livez").status_code == 200  # alive: restarting it would not help
    with TestClient(app, client=LOOPBACK) as c:
        scraped = c.get("/metrics")  # the HTTP numbers still come, without the owed actions
        assert scraped.status_code == 200
        assert "kasasu_http_requests_total" in scraped.text
        assert "kasasu_playbook_actions_owed" not in scraped.text


def test_readyz_names_an_event_store_that_cannot_be_opened(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.events_path.write_bytes(b"not a DuckDB file" * 10)
    app = create_app(settings)
    with TestClient(app) as c:
        answer = c.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["failed"] == ["event_store"]


def test_an_event_store_in_use_or_not_made_yet_is_ready(tmp_path: Path) -> None:
    path = tmp_path / "new" / "events.duckdb"
    assert store_ready(path)  # its folder can be made
    (tmp_path / "a-file").write_text("")
    assert not store_ready(tmp_path / "a-file" / "events.duckdb")  # it cannot
    path.parent.mkdir()
    path.write_bytes(b"")
    assert not store_ready(path)  # DuckDB refuses an empty file too
    path.unlink()
    writer = duckdb.connect(str(path))  # an ingestion under way in this process
    try:
        writer.execute("CREATE TABLE t (x INTEGER)")
        assert store_ready(path)
        writer.execute("INSERT INTO t VALUES (1)")  # and it goes on
    finally:
        writer.close()
    reader = duckdb.connect()  # the analytics reading it: no other connection may be open
    try:
        assert store_ready(path)
        reader.execute(f"ATTACH '{path}' AS {EVENTS_DATABASE} (READ_ONLY)")
        assert store_ready(path)
        assert reader.execute(f"SELECT x FROM {EVENTS_DATABASE}.t").fetchall() == [(1,)]
    finally:
        reader.close()
