"""Playbooks through the API: store, read, preview a day, and the log."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.db import transaction
from kasasu.playbooks.execution import claim_plan
from kasasu.playbooks.planning import PlaybookConfig, plan_day
from tests.playbooks.runner import HELLO
from tests.playbooks.world import build_world


def test_store_read_preview_and_log(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        ids = build_world(session)
    stored = admin_api.post("/playbooks", json=HELLO)
    assert stored.status_code == 200
    assert (stored.json()["name"], stored.json()["runs"]) == ("hello", 0)
    assert [p["name"] for p in admin_api.get("/playbooks").json()] == ["hello"]
    assert admin_api.get("/playbooks/hello").json()["definition"]["trigger"] == {
        "type": "schedule",
        "every": "day",
        "day": 1,
    }
    preview = admin_api.get("/playbooks/preview", params={"as_of": "2026-06-10"}).json()
    by_account = {r["account_id"]: r for r in preview}
    assert set(by_account) == {ids["P1"], ids["P2"], ids["P3"]}
    assert [a["summary"] for a in by_account[ids["P2"]]["actions"]] == [
        "task “Call P2 株式会社” due 2026-06-12",
        "email to smith@vendor.com: Hello P2 株式会社",
    ]
    assert admin_api.get("/playbooks/log").json() == []  # a preview changes nothing

    with transaction(sessions) as session:
        config = PlaybookConfig("Asia/Tokyo", "JPY", "en", "http://x")
        claim_plan(session, plan_day(session, date(2026, 6, 10), config), "en")
    log = admin_api.get("/playbooks/log", params={"account_id": ids["P1"]}).json()
    assert [(r["playbook"], r["window"]) for r in log] == [("hello", "2026-06-10")]
    assert [a["status"] for a in log[0]["actions"]] == ["pending", "pending"]
    assert admin_api.get("/playbooks/log", params={"status": "done"}).json() == []


def test_bad_playbooks_are_refused_with_their_field(admin_api: TestClient) -> None:
    bad = admin_api.post("/playbooks", json={**HELLO, "trigger": {"type": "tomorrow"}})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert any(e["loc"][:2] == ["body", "trigger"] for e in bad.json()["errors"])
    assert admin_api.get("/playbooks/nothing").status_code == 404


def test_csm_reads_but_does_not_store(api: TestClient, sessions: sessionmaker[Session]) -> None:
    from kasasu.domain.choices import Role
    from tests.conftest import make_key

    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.CSM)}"
    assert api.get("/playbooks").status_code == 200
    assert api.post("/playbooks", json=HELLO).status_code == 403


def test_costly_templates_and_internal_webhooks_are_a_422(admin_api: TestClient) -> None:
    """Security review F7 and F9: a template of 3×10^8 loop iterations took 26.8 s inside
    this request and was stored; a webhook to 127.0.0.1 was stored and then posted."""
    loops = "{% for i in range(100000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}"
    costly = {**HELLO, "actions": [{"type": "task", "title": loops}]}
    bad = admin_api.post("/playbooks", json=costly)
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert error["loc"][:4] == ["body", "actions", 0, "title"]
    assert "100,000 steps" in error["msg"]
    hook = {**HELLO, "actions": [{"type": "webhook", "url": "http://127.0.0.1:5432/"}]}
    refused = admin_api.post("/playbooks", json=hook, headers={"Accept-Language": "ja"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["loc"] == ["body", "actions", 0, "url"]
    assert "ループバック" in error["msg"]
    assert admin_api.get("/playbooks").json() == []
