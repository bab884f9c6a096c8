"""The account page's action bar: a call logged with a contact and a next step, and a task
that goes to the account's CSM with a due preset and a title from its weakest measure (the
book of tests/workspace/home_data.py: H1 belongs to Aoki; its usage events cost it most)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import ActivityKind, ContactRole, Role, TaskSource
from kasasu.domain.dates import today_in
from kasasu.models import Activity, Contact, PlaybookRun, Task
from kasasu.playbooks.definitions import ensure_default_playbooks
from tests.web.conftest import SignIn, csrf
from tests.workspace.home_data import add_home_book


def _book(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_home_book(s)
        contact = Contact(external_id="C1", account_id=ids["H1"], name="山田 花子",
                          title="情報システム部長", role=ContactRole.CHAMPION)  # fmt: skip
        s.add(contact)
        s.flush()
        ids["C1"] = contact.id
        s.commit()
    return ids


def test_a_call_with_a_contact_and_a_next_step(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    me = sign_in(Role.LEADER)
    page = web.get(f"/accounts/{ids['H1']}?lang=ja").text
    assert '<option value="{}">山田 花子 (情報システム部長)</option>'.format(ids["C1"]) in page
    form = {"csrf_token": csrf(page), "kind": "call", "contact_id": str(ids["C1"]),
            "body": "更新の意向を確認\n来月に再訪", "next_step": "2026-12-20"}  # fmt: skip
    assert web.post(f"/accounts/{ids['H1']}/notes", data=form).status_code == 303
    with sessions() as s:
        call = s.scalars(select(Activity).where(Activity.account_id == ids["H1"])).one()
        step = s.scalars(select(Task).where(Task.title.like("%更新の意向を確認%"))).one()
    assert (call.kind, call.contact_id, call.user_id) == (ActivityKind.CALL, ids["C1"], me)
    assert step.title == "次の一手: 更新の意向を確認"
    assert (step.owner_id, str(step.due_date)) == (ids["Aoki"], "2026-12-20")
    timeline = web.get(f"/accounts/{ids['H1']}?lang=ja").text
    assert "山田 花子 さんと" in timeline


def test_a_task_goes_to_the_accounts_csm_with_a_preset_due_day(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    ids = _book(sessions)
    sign_in(Role.LEADER)
    page = web.get(f"/accounts/{ids['H1']}?lang=ja").text
    assert 'value="フォローアップ: 利用イベント（30 日）' in page  # the weakest measure
    assert f'<option value="{ids["Aoki"]}" selected>Aoki</option>' in page
    form = {"csrf_token": csrf(page), "title": "利用状況の確認", "due_in": "3",
            "owner_id": "", "priority": "normal"}  # fmt: skip
    assert web.post(f"/accounts/{ids['H1']}/tasks", data=form).status_code == 303
    with sessions() as s:
        task = s.scalars(select(Task).where(Task.title == "利用状況の確認")).one()
    assert task.owner_id == ids["Aoki"]
    assert task.due_date == today_in("Asia/Tokyo") + timedelta(days=3)


def test_a_playbook_started_on_the_account_makes_its_task_at_once(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """The shipped usage-drop playbook started by hand on H1 (its trigger is not asked):
    its task is made for H1's CSM at once; its Slack message waits for the next run."""
    ids = _book(sessions)
    with sessions() as s:
        ensure_default_playbooks(s)
        s.commit()
    sign_in(Role.LEADER)
    page = web.get(f"/accounts/{ids['H1']}?lang=en").text
    assert '<option value="usage-drop">Usage drop</option>' in page
    form = {"csrf_token": csrf(page), "playbook": "usage-drop"}
    started = web.post(f"/accounts/{ids['H1']}/playbooks", data=form)
    assert started.status_code == 303
    with sessions() as s:
        made = s.scalars(
            select(Task).where(Task.source == TaskSource.PLAYBOOK, Task.account_id == ids["H1"])
        ).all()
        runs = s.scalars(select(PlaybookRun).where(PlaybookRun.account_id == ids["H1"])).all()
    assert [(t.account_id, t.owner_id) for t in made] == [(ids["H1"], ids["Aoki"])]
    assert made[0].title.startswith("Usage falling: 株式会社H1")
    assert len(runs) == 1
    # Slack is not set up here: its message is skipped (said on the run), not waiting.
    assert started.headers["location"].endswith("waiting=0#playbook-runs")
    after = web.get(started.headers["location"]).text
    assert "Playbook started" in after
    assert made[0].title in after  # in the account's open tasks
    again = web.post(f"/accounts/{ids['H1']}/playbooks", data=form)
    assert again.status_code == 303  # a second start is a second run, not refused
    missing = web.post(f"/accounts/{ids['H1']}/playbooks", data={**form, "playbook": "nope"})
    assert missing.status_code == 404


def test_mistakes_show_next_to_their_fields_and_keep_what_was_typed(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """A blank note and a task due on a day that does not exist: the account page again
    (422), each mistake under its field, the text typed still there, nothing stored."""
    ids = _book(sessions)
    sign_in(Role.LEADER)
    token = csrf(web.get(f"/accounts/{ids['H1']}?lang=en").text)
    blank = {"csrf_token": token, "kind": "meeting", "body": "   ", "next_step": "2026-12-20"}
    page = web.post(f"/accounts/{ids['H1']}/notes?lang=en", data=blank)
    assert page.status_code == 422
    assert 'aria-invalid="true" aria-describedby="note-body-error"' in page.text
    assert '<p class="field-error" id="note-body-error">Write something to log</p>' in page.text
    assert '<option value="meeting" selected>' in page.text  # the kind chosen, kept
    assert 'name="next_step" value="2026-12-20"' in page.text
    task = {"csrf_token": token, "title": "Call back", "due_date": "2026-02-30", "due_in": ""}
    page = web.post(f"/accounts/{ids['H1']}/tasks?lang=ja", data=task)
    assert page.status_code == 422
    assert 'id="task-due_date-error"' in page.text
    assert 'name="title" required maxlength="500" value="Call back"' in page.text
    assert "Write something to log" not in page.text  # the note form is clean
    with sessions() as s:
        assert s.scalars(select(Activity).where(Activity.account_id == ids["H1"])).all() == []
        assert s.scalars(select(Task).where(Task.title == "Call back")).all() == []
