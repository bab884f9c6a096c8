"""Imports and playbook actions are in the audit log: the same capture, narrowed to
"import" (the uploader stays the actor) and "playbook" (the playbook is the actor)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.audit.schemas import AuditFilters
from kasasu.audit.service import list_entries
from kasasu.db.audit import audited
from kasasu.jobs.playbooks import execute_action
from kasasu.models import Account, Base, Playbook, PlaybookAction, PlaybookRun
from tests.playbooks.runner import setup

ZONE = "Asia/Tokyo"
FIELDS = ("action", "entity", "field", "before", "after", "actor_kind", "actor_name", "origin")


def _log(sessions: sessionmaker[Session], **filters: object) -> list[tuple]:
    with sessions() as s:
        page = list_entries(s, AuditFilters(**filters), ZONE)  # type: ignore[arg-type]
    return [tuple(getattr(e, k) for k in FIELDS) for e in page.items]


def test_an_import_is_recorded_as_the_uploaders_through_import(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    first = b"external_id,name,plan\r\nACC-1,Acme,Pro\r\nACC-2,Beta,\r\n"
    again = b"external_id,name,plan\r\nACC-1,Acme,Enterprise\r\nACC-2,Beta,\r\n"
    for data in (first, again):
        done = admin_api.post("/imports/accounts", files={"file": ("a.csv", data)})
        assert done.status_code == 200, done.text
    who = ("api_key", "test-admin", "import")
    # Newest first. The second file changed one field of one row (Beta is unchanged); the
    # first inserted two rows, each with its non-empty fields in the table's column order.
    assert _log(sessions, origin="import") == [
        ("update", "accounts", "plan", "Pro", "Enterprise", *who),
        ("insert", "accounts", "custom_fields", None, "{}", *who),
        ("insert", "accounts", "name", None, "Beta", *who),
        ("insert", "accounts", "external_id", None, "ACC-2", *who),
        ("insert", "accounts", "custom_fields", None, "{}", *who),
        ("insert", "accounts", "plan", None, "Pro", *who),
        ("insert", "accounts", "name", None, "Acme", *who),
        ("insert", "accounts", "external_id", None, "ACC-1", *who),
    ]


def test_a_playbook_action_is_recorded_as_the_playbooks(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as s:
        account = Account(external_id="acme", name="Acme", tier="Silver", custom_fields={})
        playbook = Playbook(name="vip-tier", definition={})
        s.add_all([account, playbook])
        s.flush()
        run = PlaybookRun(
            playbook_id=playbook.id,
            account_id=account.id,
            window="2026-12-01",
            fired_on=account.created_at.date(),
            trigger={},
        )
        s.add(run)
        s.flush()
        payload = {"account_id": account.id, "field": "tier", "value": "Gold"}
        action = PlaybookAction(run_id=run.id, position=0, kind="set_field", payload=payload)
        s.add(action)
        s.commit()
        ids = account.id, playbook.id, action.id
    assert execute_action(sessions, ids[2], setup(1, tmp_path)) == "done"

    with sessions() as s:
        page = list_entries(s, AuditFilters(origin="playbook"), ZONE)
    assert [tuple(getattr(e, k) for k in FIELDS) for e in page.items] == [
        ("update", "accounts", "tier", "Silver", "Gold", "playbook", "vip-tier", "playbook")
    ]
    entry = page.items[0]
    assert (entry.entity_id, entry.account_id, entry.actor_id) == (ids[0], ids[0], ids[1])
    # The playbook's own bookkeeping (runs, actions) is its log, not the audit log's.
    assert _log(sessions, entity="playbook_actions") == []


def test_a_bulk_update_statement_is_recorded_row_by_row(sessions: sessionmaker[Session]) -> None:
    """Grouping requests under a need is one UPDATE ... WHERE id IN (...), which skips the
    flush: the rows it changed are read before and after."""
    from kasasu.db.audit import Origin, acting
    from kasasu.models import Feedback, Need
    from kasasu.needs.service import link_requests

    with sessions() as s:
        account = Account(external_id="acme", name="Acme", custom_fields={})
        need = Need(title="SSO")
        s.add_all([account, need])
        s.flush()
        asks = [Feedback(external_id=f"fb-{n}", account_id=account.id, title="SSO please")
                for n in (1, 2)]  # fmt: skip
        s.add_all(asks)
        s.commit()
        ids = [a.id for a in asks]
        need_id, account_id = need.id, account.id
    with sessions() as s, acting(Origin("api", "api_key", 7, "crm-sync", "10.0.0.9", "r-1")):
        link_requests(s, need_id, ids)
        s.commit()
    with sessions() as s:
        page = list_entries(s, AuditFilters(entity="feedback", actor="crm-sync"), ZONE)
    assert [(e.entity_id, e.account_id, e.field, e.before, e.after, e.origin, e.client)
            for e in page.items] == [
        (ids[1], account_id, "need_id", None, str(need_id), "api", "10.0.0.9"),  # newest first
        (ids[0], account_id, "need_id", None, str(need_id), "api", "10.0.0.9"),
    ]  # fmt: skip


def test_every_audited_table_has_an_id() -> None:
    # Bulk statements are recorded row by row by id; a table without one is skipped by name
    # (job_locks), or its first bulk write would fail.
    assert [
        t.name for t in Base.metadata.sorted_tables if audited(t.name) and "id" not in t.c
    ] == []
