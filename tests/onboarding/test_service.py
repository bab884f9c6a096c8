"""Onboarding plans on hand-made accounts: the template that applies, due days counted from
the contract start, CS-side steps as tasks for the CSM, ticks by people, by tasks and by
usage events, and the move to adoption at first value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    LifecycleStage,
    Role,
    StepSide,
    TaskStatus,
)
from kasasu.errors import Conflict, InvalidInput, NotFound
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.models import Account, Task, User
from kasasu.onboarding.board import onboarding_board
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import (
    complete_by_events,
    complete_by_tasks,
    onboarding_of,
    reopen_step,
    start_onboarding,
    tick_step,
)
from kasasu.onboarding.success import add_goal, open_link, revoke_link, share_plan
from kasasu.onboarding.success_schemas import GoalCreate
from kasasu.onboarding.templates import (
    ensure_shipped_templates,
    list_templates,
    parse_template,
    save_template,
)
from tests.onboarding.world import account_on_contract

TODAY = date(2026, 12, 4)
NOON = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


def _account(session: Session, name: str, plan: str, start: date) -> int:
    csm = User(email=f"{name}@x.jp", name=f"{name}のCSM", role=Role.CSM)
    session.add(csm)
    session.flush()
    return account_on_contract(session, name, plan, start, owner_id=csm.id)


def test_the_template_that_applies_lays_out_steps_from_the_contract_start(
    session: Session,
) -> None:
    ensure_shipped_templates(session)
    assert [t.name for t in list_templates(session)] == ["enterprise", "standard"]
    big = _account(session, "大手商事", "Enterprise", date(2026, 11, 1))
    small = _account(session, "小さな店", "Starter", date(2026, 11, 10))

    plan = start_onboarding(session, big, OnboardingStart(), by=None, locale="ja", today=TODAY)
    assert (plan.template, plan.version, plan.started_on) == ("enterprise", 1, date(2026, 11, 1))
    # enterprise.yaml: kickoff +7, setup +21, training +28, data +35, first value +45, +90
    assert [(s.step_key, s.due_date, s.side) for s in plan.steps] == [
        ("kickoff", date(2026, 11, 8), StepSide.CS),
        ("setup", date(2026, 11, 22), StepSide.CUSTOMER),
        ("training", date(2026, 11, 29), StepSide.CS),
        ("data", date(2026, 12, 6), StepSide.CUSTOMER),
        ("first-value", date(2026, 12, 16), StepSide.CUSTOMER),
        ("review", date(2027, 1, 30), StepSide.CS),
    ]
    assert plan.steps[0].name == "キックオフ（導入目的の合意）"
    assert plan.steps[0].stage == "導入準備"
    # Each CS-side step is a task for the account's CSM, due with the step; none for the
    # customer's steps.
    owner = session.get(Account, big).owner_id  # type: ignore[union-attr]
    made = {s.step_key: session.get(Task, s.task_id) for s in plan.steps if s.task_id}
    assert sorted(made) == ["kickoff", "review", "training"]
    kickoff = made["kickoff"]
    assert kickoff is not None
    assert (kickoff.owner_id, kickoff.due_date, kickoff.title) == (
        owner,
        date(2026, 11, 8),
        "オンボーディング: キックオフ（導入目的の合意）",
    )

    other = start_onboarding(session, small, OnboardingStart(), by=None, locale="en", today=TODAY)
    assert other.template == "standard"
    assert [s.name for s in other.steps][:2] == ["Kick-off meeting", "Initial set-up"]
    with pytest.raises(Conflict):
        start_onboarding(session, small, OnboardingStart(), by=None, locale="en", today=TODAY)


def test_ticking_the_first_value_moves_the_account_to_adoption_and_reopening_undoes_it(
    session: Session,
) -> None:
    ensure_shipped_templates(session)
    a = _account(session, "仙台製作所", "Standard", date(2026, 11, 1))
    plan = start_onboarding(
        session, a, OnboardingStart(template="standard"), by=None, locale="ja", today=TODAY
    )
    kickoff, first_value = plan.steps[0], plan.steps[3]
    assert first_value.is_first_value

    done = tick_step(session, kickoff.id, by=None, at=NOON)
    assert done.done_at == NOON
    task = session.get(Task, kickoff.task_id)
    assert task is not None
    assert task.status is TaskStatus.DONE
    tick_step(session, first_value.id, by=None, at=NOON)
    assert session.get(Account, a).lifecycle_stage is LifecycleStage.ADOPTION  # type: ignore[union-attr]
    assert onboarding_of(session, a).first_value_at == NOON

    reopen_step(session, kickoff.id)
    reopen_step(session, first_value.id)
    again = onboarding_of(session, a)
    assert again.first_value_at is None
    assert [s.done_at for s in again.steps] == [None] * 5
    assert session.get(Task, kickoff.task_id).status is TaskStatus.OPEN  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        tick_step(session, 10**9, by=None, at=NOON)


def test_steps_are_ticked_by_their_task_and_by_the_product_s_events(
    session: Session, tmp_path: Path
) -> None:
    ensure_shipped_templates(session)
    a = _account(session, "札幌物産", "Standard", date(2026, 11, 1))
    b = _account(session, "福岡食品", "Standard", date(2026, 11, 1))
    plan = start_onboarding(session, a, OnboardingStart(), by=None, locale="ja", today=TODAY)
    start_onboarding(session, b, OnboardingStart(), by=None, locale="ja", today=TODAY)
    events = tmp_path / "events.duckdb"
    invited = datetime(2026, 11, 5, 1, 2, tzinfo=UTC)
    ingest_batch(
        events,
        [
            # Before the plan started: does not count.
            EventIn.model_validate(
                {"account_id": "札幌物産", "event": "import_data", "timestamp": "2026-10-20T00:00Z"}
            ),
            EventIn.model_validate(
                {"account_id": "札幌物産", "event": "invite_user", "timestamp": invited}
            ),
            EventIn.model_validate(
                {"account_id": "札幌物産", "event": "invite_user", "timestamp": NOON}
            ),
            # Another account's event ticks nothing of this one.
            EventIn.model_validate(
                {"account_id": "福岡食品", "event": "export_report", "timestamp": NOON}
            ),
        ],
    )
    assert complete_by_events(session, events) == 2  # 札幌's set-up, 福岡's first value
    steps = {s.step_key: s for s in onboarding_of(session, a).steps}
    assert steps["setup"].done_at == invited
    assert steps["data"].done_at is None
    assert session.get(Account, b).lifecycle_stage is LifecycleStage.ADOPTION  # type: ignore[union-attr]
    assert complete_by_events(session, events) == 0  # once

    task = session.get(Task, plan.steps[0].task_id)
    assert task is not None
    task.status, task.completed_at = TaskStatus.DONE, NOON
    session.flush()
    assert complete_by_tasks(session) == 1
    assert onboarding_of(session, a).steps[0].done_at == NOON


def test_a_template_is_versioned_and_refused_with_its_problems_named(session: Session) -> None:
    text = """
name: self-serve
title: セルフ導入
applies_to: {touch_model: tech}
stages:
  - title: 開始
    steps:
      - {key: a, title: 最初, due_days: 3, first_value: true}
"""
    assert save_template(session, parse_template(text, "t.yaml")).version == 1
    assert save_template(session, parse_template(text, "t.yaml")).version == 1  # unchanged
    changed = text.replace("due_days: 3", "due_days: 5")
    assert save_template(session, parse_template(changed, "t.yaml")).version == 2

    bad = text.replace("touch_model", "colour").replace(
        "first_value: true}",
        "first_value: true}\n      - {key: a, title: 次, due_days: 9, first_value: true}",
    )
    with pytest.raises(InvalidInput) as refused:
        parse_template(bad, "t.yaml")
    where = {e.loc for e in refused.value.errors}
    assert where == {
        ("applies_to", "colour"),
        ("stages", 0, "steps", 1, "key"),
        ("stages", 0, "steps", 1, "first_value"),
    }
    with pytest.raises(InvalidInput, match=r"t\.yaml:2:"):
        parse_template("name: [x\n", "t.yaml")


def test_the_board_counts_every_live_plan_its_funnel_and_time_to_value(session: Session) -> None:
    ensure_shipped_templates(session)
    start = date(2026, 10, 1)
    plans = {}
    for name in ("A", "B", "C", "D", "E"):
        account = _account(session, f"{name}社", "Standard", start)
        plans[name] = start_onboarding(
            session, account, OnboardingStart(), by=None, locale="en", today=TODAY
        )
    done_steps = {"A": 2, "B": 1, "C": 0, "D": 4, "E": 1}  # the first n steps, in order
    for name, n in done_steps.items():
        for step in plans[name].steps[:n]:
            tick_step(session, step.id, by=None, at=datetime(2026, 10, 11, 3, tzinfo=UTC))
    churned = session.get(Account, plans["E"].account_id)
    assert churned is not None
    churned.lifecycle_stage = LifecycleStage.CHURNED  # left out of every count
    session.flush()

    board = onboarding_board(session, TODAY)
    assert board.total == 4  # A–D each have a step open
    assert {r.account: (r.done, r.steps) for r in board.rows} == {
        "A社": (2, 5),
        "B社": (1, 5),
        "C社": (0, 5),
        "D社": (4, 5),
    }
    # Standard steps are due 7, 21, 35, 45 and 90 days after 1 October: before 4 December
    # (64 days in) the first four are due, so C has 4 late steps, B 3, A 2, D none.
    assert [(r.account, r.late) for r in board.rows] == [
        ("C社", 4),
        ("B社", 3),
        ("A社", 2),
        ("D社", 0),
    ]
    assert {r.account: r.days_to_value for r in board.rows}["D社"] == 10
    assert board.rows[0].days_in == 64
    assert [(f.step_key, f.plans, f.done, f.stalled) for f in board.funnel] == [
        ("kickoff", 4, 3, 1),
        ("setup", 4, 2, 1),
        ("data", 4, 1, 1),
        ("first-value", 4, 1, 0),
        ("review", 4, 0, 1),
    ]
    assert [(t.template, t.plans, t.median_days) for t in board.time_to_value] == [
        ("standard", 1, 10)
    ]
    assert onboarding_board(session, TODAY, finished=True).total == 0
    assert onboarding_board(session, TODAY, finished=None, limit=2).total == 4


def test_a_shared_plan_shows_the_customer_s_steps_until_it_expires(session: Session) -> None:
    a = _account(session, "八戸観光", "Standard", date(2026, 11, 1))
    start_onboarding(session, a, OnboardingStart(), by=None, locale="ja", today=TODAY)
    add_goal(session, a, GoalCreate(objective="集客の自動化", title="予約の半分をWebで"))
    link, token = share_plan(session, a, locale="en", days=7, by=None, now=NOON)
    assert link.expires_at == NOON + timedelta(days=7)
    shared = open_link(session, token, NOON)
    assert shared is not None
    assert shared.locale == "en"
    # standard.yaml: set-up, data and first value are the customer's; kick-off and review ours.
    assert shared.onboarding is not None
    assert [s.step_key for s in shared.onboarding.steps] == ["setup", "data", "first-value"]
    assert [o.title for o in shared.plan.objectives] == ["集客の自動化"]
    assert open_link(session, token, NOON + timedelta(days=7)) is None  # expired
    assert open_link(session, token + "x", NOON) is None
    revoke_link(session, link.id, NOON)
    assert open_link(session, token, NOON) is None
