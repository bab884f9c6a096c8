"""A playbook's tools on its page: the dry run (whom it would reach on the latest refresh
day, what each action would do; nothing stored), switching it on and off, the YAML form's
live check and "Edit". World: tests/playbooks/world.py (P1 turns yellow → red on DAY; P3's
only contact has no email) with tests/web/playbook_data.py's two playbooks."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import PlaybookAction, PlaybookRun
from kasasu.playbooks.service import get_playbook, save_playbook, validate_playbook
from tests.playbooks.world import build_world
from tests.web.conftest import SignIn, csrf
from tests.web.playbook_data import QUIET, RED_ALERT, add_playbook_runs
from tests.web.test_playbooks_page import BAD, GOOD


def _stored(sessions: sessionmaker[Session]) -> None:
    """The world and both playbooks (quiet switched off), nothing run yet."""
    with sessions() as s:
        build_world(s)
        for data in (RED_ALERT, QUIET):
            save_playbook(s, validate_playbook(data))
        s.commit()


def _runs(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(PlaybookRun)) or 0)


def test_a_dry_run_lists_whom_it_would_reach_and_stores_nothing(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    _stored(sessions)
    sign_in(Role.CSM)
    page = web.get("/playbooks/red-alert/dry-run?lang=en")
    assert page.status_code == 200
    assert "with the data of June 10, 2026" in page.text
    assert "It would fire for 1 accounts; 0 more are skipped" in page.text
    assert "P1 株式会社" in page.text
    assert "Call P1 株式会社" in page.text  # the task as it would be created
    assert "Run now on this account" in page.text
    again = web.get("/playbooks/red-alert/dry-run?lang=en")  # read from the store
    assert again.text.split("<main")[1] == page.text.split("<main")[1]
    quiet = web.get("/playbooks/quiet/dry-run?lang=en").text
    assert "It is switched off" in quiet
    assert "P3 株式会社" in quiet  # a switched-off playbook is tried all the same
    assert "Run now on this account" not in quiet  # but only an enabled one starts
    assert _runs(sessions) == 0
    assert web.get("/playbooks/nothing/dry-run").status_code == 404


def test_a_dry_run_skips_what_already_fired(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_playbook_runs(s)
        s.commit()
    sign_in(Role.CSM)
    page = web.get("/playbooks/red-alert/dry-run?lang=ja").text
    assert "0 社で実行されます" in page
    assert "1 社は対象外" in page
    with sessions() as s:  # the run is forgotten: the stored dry run is not used
        s.execute(delete(PlaybookAction))
        s.execute(delete(PlaybookRun))
        s.commit()
    assert "1 社で実行されます" in web.get("/playbooks/red-alert/dry-run?lang=ja").text


def test_leaders_switch_a_playbook_off_and_on(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    _stored(sessions)
    sign_in(Role.LEADER)
    token = csrf(web.get("/playbooks/red-alert").text)
    off = web.post("/playbooks/red-alert/enabled", data={"csrf_token": token, "enabled": "false"})
    assert off.headers["location"] == "/playbooks/red-alert"
    with sessions() as s:
        found = get_playbook(s, "red-alert")
    assert (found.enabled, found.definition["enabled"]) == (False, False)
    assert "enabled: false" in web.get("/playbooks/red-alert").text
    web.post("/playbooks/red-alert/enabled", data={"csrf_token": token, "enabled": "true"})
    with sessions() as s:
        assert get_playbook(s, "red-alert").enabled
    sign_in(Role.CSM)
    token = csrf(web.get("/playbooks/red-alert").text)
    refused = web.post("/playbooks/red-alert/enabled", data={"csrf_token": token, "enabled": "0"})
    assert refused.status_code == 403


def test_the_yaml_form_checks_while_typing_and_edits_a_stored_playbook(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    _stored(sessions)
    sign_in(Role.ADMIN)
    token = csrf(web.get("/playbooks").text)
    bad = web.post("/playbooks/check?lang=en", data={"csrf_token": token, "text": BAD})
    assert bad.status_code == 200
    assert "<strong>Line 3</strong> <code>trigger</code>: Unknown type renewal_soon" in bad.text
    good = web.post("/playbooks/check?lang=en", data={"csrf_token": token, "text": GOOD})
    assert "The YAML is valid: 1 playbooks. Nothing is saved yet." in good.text
    assert "<html" not in good.text  # a piece of the page, for htmx
    edit = web.get("/playbooks?edit=red-alert").text
    assert "- name: red-alert" in edit
    sign_in(Role.CSM)
    token = csrf(web.get("/playbooks").text)
    assert web.post("/playbooks/check", data={"csrf_token": token, "text": GOOD}).status_code == 403
    assert "- name: red-alert" not in web.get("/playbooks?edit=red-alert").text
