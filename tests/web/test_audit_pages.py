"""The audit log on the pages: a form's write is recorded as the signed-in user's; the
account's History; the admins' page in Settings with filters, pages and exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from kasasu.audit import service as audit_service
from kasasu.domain.choices import Role
from kasasu.models import Account, Task, User
from tests.web.conftest import SignIn, csrf

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def _world(sessions: sessionmaker[Session], me: int) -> tuple[int, int, int]:
    with sessions() as s:
        other = User(email="other@example.com", name="Other", role=Role.CSM)
        account = Account(external_id="acme", name="Acme", custom_fields={})
        s.add_all([other, account])
        s.flush()
        task = Task(account_id=account.id, owner_id=me, title="Call", due_date=date(2026, 12, 1))
        s.add(task)
        s.commit()
        return account.id, task.id, other.id


def test_a_form_write_is_recorded_as_the_users_and_shown_on_the_account(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    account, task, other = _world(sessions, me)
    token = csrf(web.get("/tasks").text)
    done = web.post(
        f"/tasks/{task}/reassign",
        data={"owner_id": str(other), "csrf_token": token},
        headers={"X-Request-ID": "form-7"},
    )
    assert done.status_code == 303

    page = web.get(f"/accounts/{account}")
    assert page.status_code == 200
    history = page.text.split('id="history"')[1]
    # Newest first: the reassignment by csm@example.com through the pages.
    first = history.split("<tr>")[2]
    for text in ("csm@example.com", "web", "update", f"<code>tasks</code> #{task}", "owner_id"):
        assert text in first, text
    assert f'<td class="audit-value">{me}</td>' in first
    assert f'<td class="audit-value">{other}</td>' in first

    with sessions() as s:
        from kasasu.audit.schemas import AuditFilters
        from kasasu.audit.service import list_entries

        log = list_entries(s, AuditFilters(entity="tasks", actor="csm@example.com"), "Asia/Tokyo")
    assert [
        (
            e.action,
            e.entity_id,
            e.account_id,
            e.field,
            e.before,
            e.after,
            e.actor_kind,
            e.actor_id,
            e.origin,
            e.client,
            e.request_id,
        )
        for e in log.items
    ] == [
        (
            "update",
            task,
            account,
            "owner_id",
            str(me),
            str(other),
            "user",
            me,
            "web",
            "testclient",
            "form-7",
        )
    ]


def test_only_admins_see_the_audit_page(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.LEADER)
    assert web.get("/settings/audit").status_code == 403
    assert web.get("/settings/audit/export").status_code == 403


def test_admin_page_filters_and_exports_without_formulas(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.ADMIN)
    _world(sessions, me)
    with sessions() as s:
        s.add(Account(external_id="evil", name=HOSTILE, custom_fields={}))
        s.commit()
    page = web.get("/settings/audit", params={"entity": "accounts", "origin": "system"})
    assert page.status_code == 200
    # Two accounts × (external_id, name, custom_fields).
    assert "6 entries" in page.text
    assert (
        web.get("/settings/audit", params={"entity": "accounts", "origin": "web"}).text.count(
            'class="audit-value"'
        )
        == 0
    )

    query = {"entity": "accounts", "actor": "system"}
    csv_file = web.get("/settings/audit/export", params={**query, "format": "csv"})
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    lines = csv_file.text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 6
    hostile = next(line for line in lines if "HYPERLINK" in line)
    # The "after" cell, last: a leading ' keeps it text in Excel and LibreOffice.
    assert hostile.endswith(',name,,"\'=HYPERLINK(""http://evil.example"",""click"")"')

    xlsx_file = web.get("/settings/audit/export", params={**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert len(cells) == 1
    assert cells[0].data_type == "s"  # text, shown as written, never evaluated


def test_an_export_larger_than_a_file_may_hold_is_refused_not_cut(
    web: TestClient,
    sign_in: SignIn,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = sign_in(Role.ADMIN)
    _world(sessions, me)
    monkeypatch.setattr(audit_service, "EXPORT_MAX", 2)  # 3 entries match: one account's 3 fields
    query = {"entity": "accounts", "actor": "system", "format": "csv"}
    refused = web.get("/settings/audit/export", params=query)
    assert refused.status_code == 400
    assert "3 entries match, more than the 2 one file may hold" in refused.text
    monkeypatch.setattr(audit_service, "EXPORT_MAX", 3)
    assert len(web.get("/settings/audit/export", params=query).text.splitlines()) == 1 + 3


def test_a_new_users_password_is_never_in_the_log(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.ADMIN)
    form = {
        "name": "New",
        "email": "new@example.com",
        "role": "viewer",
        "password": "s3cret-passw0rd",
        "csrf_token": csrf(web.get("/settings").text),
    }
    assert web.post("/settings/users", data=form).status_code == 303
    page = web.get("/settings/audit", params={"entity": "users", "origin": "web"}).text
    assert "admin@example.com" in page
    assert "new@example.com" in page
    cells = (
        '<td><code>password_hash</code></td>\n    <td class="audit-value">—</td>\n'
        '    <td class="audit-value">'
    )
    assert cells + "changed</td>" in page
    assert "argon2" not in page
    assert "s3cret" not in page
