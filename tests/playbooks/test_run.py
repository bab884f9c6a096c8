"""Running playbooks for real: mail through a local SMTP server, webhooks to a local
receiver, tasks in the database — each once, however often the run is repeated."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from kasasu.db import session_factory, transaction
from kasasu.domain.choices import TaskSource
from kasasu.jobs.playbooks import run_playbooks
from kasasu.models import Account, FeatureSnapshot, PlaybookAction, PlaybookRun, Task
from tests.playbooks.conftest import Mailbox, Receiver
from tests.playbooks.runner import HELLO, prepare, setup
from tests.playbooks.world import DAY


def _count(engine: Engine, model: type[Any]) -> int:
    with transaction(session_factory(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_email_in_the_readers_language_task_with_checklist_and_once(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    ids = prepare(sqlite_engine, HELLO)
    outcome = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
    # P1, P2, P3 are paying Pro accounts; P3 has no owner, so its email is skipped.
    assert (outcome.fired, outcome.done, outcome.failed) == (3, 5, 0)
    by_to = {m["To"]: m for m in mailbox.messages}
    assert set(by_to) == {"sato@vendor.jp", "smith@vendor.com"}
    ja, en = by_to["sato@vendor.jp"], by_to["smith@vendor.com"]
    assert ja["Subject"] == "こんにちは P1 株式会社"
    assert ja.get_content().strip() == "佐藤 花子 さん、MRR ￥120,000"
    assert ja["Content-Language"] == "ja"
    assert en["Subject"] == "Hello P2 株式会社"
    assert en.get_content().strip() == "Dear Ann Smith, MRR ¥40,000"
    assert en["Content-Language"] == "en"
    with transaction(session_factory(sqlite_engine)) as session:
        tasks = {t.account_id: t for t in session.scalars(select(Task))}
        skipped = session.scalars(
            select(PlaybookAction).where(PlaybookAction.status == "skipped")
        ).one()
    assert tasks[ids["P1"]].title == "電話: P1 株式会社"  # 佐藤 reads Japanese
    assert tasks[ids["P2"]].title == "Call P2 株式会社"
    assert tasks[ids["P2"]].description == "☐ Write notes"
    assert tasks[ids["P2"]].due_date == DAY + timedelta(days=2)
    assert tasks[ids["P2"]].source == TaskSource.PLAYBOOK
    assert tasks[ids["P3"]].owner_id is None
    assert skipped.kind == "email"
    assert skipped.error == "メールアドレスのある宛先がありません"

    for _ in range(3):
        again = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
        assert (again.fired, again.skipped, again.done) == (0, 3, 0)
    assert len(mailbox.messages) == 2
    assert _count(sqlite_engine, Task) == 3


def test_dry_run_lists_and_changes_nothing(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    prepare(sqlite_engine, HELLO)
    outcome = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path), dry_run=True)
    assert outcome.fired == 3
    assert outcome.tally == {"hello": {"runs": 3, "task": 3, "email": 2, "skipped": 1}}
    p1 = next(r for r in outcome.runs or [] if r.account == "P1 株式会社")
    assert [a.summary for a in p1.actions] == [
        "タスク「電話: P1 株式会社」期日 2026-06-12",
        "メール → sato@vendor.jp: こんにちは P1 株式会社",
    ]
    assert mailbox.messages == []
    assert (_count(sqlite_engine, PlaybookRun), _count(sqlite_engine, Task)) == (0, 0)


def test_cool_down_keeps_the_next_days_quiet(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    _mailbox, port = smtp
    prepare(sqlite_engine, {**HELLO, "cooldown_days": 3})
    with transaction(session_factory(sqlite_engine)) as session:
        for row in list(session.scalars(select(FeatureSnapshot))):
            for k in range(1, 4):
                session.add(
                    FeatureSnapshot(
                        account_id=row.account_id,
                        as_of=DAY + timedelta(days=k),
                        features=row.features,
                    )
                )
    fired = [
        run_playbooks(sqlite_engine, DAY + timedelta(days=k), setup(port, tmp_path)).fired
        for k in range(4)
    ]
    assert fired == [3, 0, 0, 3]  # fired on day 0; cooling on days 1 and 2; again on day 3


def test_webhook_signed_retried_and_a_failure_blocks_nothing(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    _mailbox, port = smtp
    hook, url = receiver
    hook.fail_first = 2
    playbook = copy.deepcopy(HELLO)
    playbook["when"] = 'plan == "Pro" and band == "red" and mrr > 100000'  # P1 alone
    playbook["actions"].insert(0, {"type": "webhook", "url": url, "text": "{{ account.name }}"})
    ids = prepare(sqlite_engine, playbook)
    outcome = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
    assert (outcome.done, outcome.failed) == (3, 0)
    assert hook.requests == 3
    assert hook.bad_signatures == 0
    (body,) = hook.bodies
    assert body["account"]["external_id"] == "P1"
    assert body["account"]["id"] == ids["P1"]
    assert body["text"] == "P1 株式会社"
    assert body["trigger"]["window"] == "2026-06-10"
    with transaction(session_factory(sqlite_engine)) as session:
        action = session.scalars(
            select(PlaybookAction).where(PlaybookAction.kind == "webhook")
        ).one()
        assert action.result == {"status": 200, "tries": 3}
        assert hook.keys == [f"kasasu.{action.run_id}.0"]


def test_a_refused_webhook_fails_alone_and_is_tried_again_later(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    mailbox, port = smtp
    hook, url = receiver
    hook.status = 400
    playbook = copy.deepcopy(HELLO)
    playbook["when"] = 'band == "red" and mrr > 100000'
    playbook["actions"].insert(0, {"type": "webhook", "url": url})
    prepare(sqlite_engine, playbook)
    first = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
    assert (first.done, first.failed) == (2, 1)  # task and email went; 400 is not retried
    assert hook.requests == 1
    assert len(mailbox.messages) == 1
    (run,) = first.runs or []
    assert [(a.kind, a.status, a.error) for a in run.actions] == [
        ("webhook", "failed", "HTTP 400"),
        ("task", "done", None),
        ("email", "done", None),
    ]
    hook.status = 200
    second = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
    assert (second.fired, second.done, second.failed) == (0, 1, 0)
    assert len(hook.bodies) == 1
    assert len(mailbox.messages) == 1


def test_fields_surveys_and_onboarding(sqlite_engine: Engine, tmp_path: Path) -> None:
    from kasasu.models import Milestone, SurveyInvitation

    playbook = {
        "name": "promoter",
        "title": "p",
        "trigger": {"type": "new_account", "within_days": 7},
        "actions": [
            {"type": "set_field", "field": "custom.advocate", "value": True},
            {"type": "set_field", "field": "lifecycle_stage", "value": "onboarding"},
            {"type": "enrol_survey", "kind": "csat"},
            {
                "type": "add_onboarding",
                "plan": "Quick start",
                "milestones": [{"name": "Kick-off", "due_in_days": 7}, {"name": "First value"}],
            },
        ],
    }
    ids = prepare(sqlite_engine, playbook)
    outcome = run_playbooks(sqlite_engine, DAY, setup(1, tmp_path))  # P2 alone is new
    assert (outcome.fired, outcome.done, outcome.failed) == (1, 4, 0)
    with transaction(session_factory(sqlite_engine)) as session:
        p2 = session.get(Account, ids["P2"])
        assert p2 is not None
        assert p2.custom_fields == {"advocate": True}
        assert p2.lifecycle_stage == "onboarding"
        (invitation,) = session.scalars(select(SurveyInvitation))
        assert (invitation.account_id, invitation.kind) == (ids["P2"], "csat")
        steps = [
            (m.name, m.due_date)
            for m in session.scalars(select(Milestone).order_by(Milestone.position))
        ]
        assert steps == [("Kick-off", date(2026, 6, 17)), ("First value", date(2026, 6, 24))]


def test_the_log_speaks_the_readers_language(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    from kasasu.playbooks.service import playbook_log

    _mailbox, port = smtp
    prepare(sqlite_engine, {**HELLO, "trigger": {"type": "band_changed", "to": "red"}})
    run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))  # claimed with locale ja
    with transaction(session_factory(sqlite_engine)) as session:
        (en,) = playbook_log(session, "en")
        (ja,) = playbook_log(session, "ja")
    assert en.trigger["summary"] == "Health band yellow → red"
    assert ja.trigger["summary"] == "ヘルス yellow → red"


def test_a_bad_playbook_is_skipped_and_kept_for_a_leader_to_see(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """Security review F7: a condition stored before the checks (900 minus signs) used to
    raise RecursionError and stop every playbook of the day (and the preview answered 500);
    now that playbook is skipped with its reason stored, and the others run."""
    from kasasu.models import Playbook
    from kasasu.playbooks.planning import plan_day
    from kasasu.playbooks.service import get_playbook

    _port = smtp[1]
    prepare(sqlite_engine, HELLO)
    deep = {**copy.deepcopy(HELLO), "name": "deep", "when": "-" * 900 + "mrr > 0"}
    broken = {**copy.deepcopy(HELLO), "name": "broken", "trigger": {"type": "tomorrow"}}
    with transaction(session_factory(sqlite_engine)) as session:
        session.add_all(Playbook(name=d["name"], definition=d) for d in (deep, broken))
    with transaction(session_factory(sqlite_engine)) as session:  # what the preview shows
        preview = plan_day(session, DAY, setup(_port, tmp_path).config)
    outcome = run_playbooks(sqlite_engine, DAY, setup(_port, tmp_path))
    assert (outcome.fired, outcome.done, outcome.failed) == (3, 5, 0)
    with transaction(session_factory(sqlite_engine)) as session:
        found = {name: get_playbook(session, name).problem for name in ("hello", "deep", "broken")}
    assert found["hello"] is None
    assert found["deep"] is not None
    assert "32 levels" in found["deep"].en
    assert "32 段" in found["deep"].ja
    assert found["broken"] is not None
    assert found["broken"].day == DAY
    assert {p.playbook for p in preview.planned} == {"hello"}
    assert set(preview.problems) == {"deep", "broken"}
