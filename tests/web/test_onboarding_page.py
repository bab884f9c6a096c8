"""Onboarding in the workspace: start a plan from the account page, tick a step and see the
progress move, reopen it, and the board with its counts, late steps and time to value."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import Milestone
from tests.onboarding.world import account_on_contract
from tests.web.conftest import SignIn, csrf


def _account(sessions: sessionmaker[Session], name: str, start: date, plan: str) -> int:
    with sessions() as s:
        made = account_on_contract(s, name, plan, start)
        s.commit()
        return made


def test_start_tick_reopen_on_the_account_page_and_the_board(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    # Started long ago: every step of the standard plan is due before today.
    old = _account(sessions, "旭川工業", date(2020, 1, 1), "Standard")
    page = web.get(f"/accounts/{old}?lang=ja").text
    assert "オンボーディングプランはありません。" in page
    started = web.post(
        f"/accounts/{old}/onboarding", data={"csrf_token": csrf(page), "template": ""}
    )
    assert (started.status_code, started.headers["location"]) == (
        303,
        f"/accounts/{old}#onboarding",
    )
    page = web.get(f"/accounts/{old}?lang=en").text
    assert "Standard onboarding" in page
    assert "0 of 5 steps done" in page
    # The standard plan's first step is due seven days after the contract start.
    assert "Kick-off meeting" in page
    steps = re.findall(r'action="/onboarding/steps/(\d+)/done"', page)
    assert len(steps) == 5
    assert page.count('class="overdue"') == 5

    ticked = web.post(f"/onboarding/steps/{steps[0]}/done", data={"csrf_token": csrf(page)})
    assert ticked.status_code == 303
    page = web.get(f"/accounts/{old}?lang=en").text
    assert "1 of 5 steps done" in page
    assert f'action="/onboarding/steps/{steps[0]}/reopen"' in page

    board = web.get("/onboarding?lang=en").text
    assert "1 plans" in board
    row = re.search(r"旭川工業</a>.*?</tr>", board, re.DOTALL)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(0))
    assert cells[:2] == ["1/5", "4"]  # progress, overdue steps

    web.post(f"/onboarding/steps/{steps[0]}/reopen", data={"csrf_token": csrf(page)})
    assert "0 of 5 steps done" in web.get(f"/accounts/{old}?lang=en").text
    done_board = web.get("/onboarding?status=done&lang=en").text
    assert "旭川工業" not in done_board
    again = web.post(f"/accounts/{old}/onboarding", data={"csrf_token": csrf(page)})
    assert again.status_code == 409

    # The kick-off is a CS-team step: a task; completing it on the tasks page ticks it.
    with sessions() as s:
        kickoff = s.get(Milestone, int(steps[0]))
        assert kickoff is not None
        assert kickoff.task_id is not None
        task_id = kickoff.task_id
    tasks_page = web.get("/tasks?lang=en").text
    web.post(f"/tasks/{task_id}/complete", data={"csrf_token": csrf(tasks_page)})
    assert "1 of 5 steps done" in web.get(f"/accounts/{old}?lang=en").text


def test_a_leader_edits_a_template_with_its_mistakes_named_by_line(
    web: TestClient, sign_in: SignIn
) -> None:
    sign_in(Role.LEADER)
    listed = web.get("/onboarding/templates?lang=en").text
    assert "Standard onboarding" in listed
    assert "Enterprise onboarding" in listed
    page = web.get("/onboarding/templates/standard?lang=en").text
    assert "version 1" in page
    assert "key: kickoff" in page  # the latest version as YAML, ready to edit
    text = (
        "name: standard\n"
        "title: Standard\n"
        "stages:\n"
        "  - title: Start\n"
        "    steps:\n"
        "      - {key: kickoff, title: Kick-off, due_days: 7}\n"
        "      - {key: kickoff, title: Again, due_days: 9}\n"
    )
    refused = web.post(
        "/onboarding/templates",
        data={"csrf_token": csrf(page), "text": text, "action": "save"},
    )
    assert refused.status_code == 422
    assert "<strong>Line 7</strong> <code>stages.0.steps.1.key</code>: Used twice" in refused.text
    fixed = text.replace("key: kickoff, title: Again", "key: review, title: Review")
    preview = web.post("/onboarding/templates", data={"csrf_token": csrf(page), "text": fixed})
    assert "The YAML is valid. Nothing is saved yet." in preview.text
    saved = web.post(
        "/onboarding/templates",
        data={"csrf_token": csrf(page), "text": fixed, "action": "save"},
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/onboarding/templates/standard")
    assert "version 2" in web.get("/onboarding/templates/standard?lang=en").text
