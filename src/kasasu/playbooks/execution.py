"""Storing a day's plan as runs (once per playbook, account and window) and carrying out
their actions. Work inside the database (tasks, fields, survey invitations, onboarding) is
done in the same transaction that marks the action done, so it happens exactly once; email
and webhooks are marked started before they are sent and done after (see docs/playbooks.md
for the one moment where a crash can make them go twice, and how receivers tell)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountUpdate
from kasasu.accounts.service import accounts
from kasasu.db.audit import through
from kasasu.domain.choices import Priority, SurveyKind, TaskSource
from kasasu.kit.i18n import Message
from kasasu.models import SurveyInvitation
from kasasu.onboarding.schemas import MilestoneCreate
from kasasu.onboarding.service import milestones
from kasasu.playbooks.planning import Plan, Planned
from kasasu.playbooks.repository import RunRepository
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks

LOCAL_KINDS = frozenset({"task", "set_field", "enrol_survey", "add_onboarding"})


def stored_message(message: Message) -> dict[str, Any]:
    """A message as JSON, to render in each reader's language later (dates as ISO text)."""
    params = {
        k: v if isinstance(v, int | float | str) or v is None else str(v)
        for k, v in message.params.items()
    }
    return {"msgid": message.msgid, "params": params}


def read_message(stored: Mapping[str, Any], locale: str) -> str:
    if "msgid" in stored:
        return Message(stored["msgid"], stored.get("params") or {}).render(locale)
    return str(stored.get("summary", ""))


def claim_plan(session: Session, plan: Plan, locale: str) -> list[tuple[int, Planned]]:
    """Store the plan's runs that no one stored before, with their actions; (run id, plan)
    of each run this call stored."""
    repo = RunRepository(session)
    rows = [
        {
            "playbook_id": p.playbook_id,
            "account_id": p.firing.account_id,
            "window": p.firing.window,
            "fired_on": plan.day,
            "trigger": {**stored_message(p.firing.summary), "window": p.firing.window},
            "created_at": datetime.now(UTC),
        }
        for p in plan.planned
    ]
    claimed = repo.claim(rows)
    by_key = {(p.playbook_id, p.firing.account_id, p.firing.window): p for p in plan.planned}
    actions = [
        {
            "run_id": run_id,
            "position": i,
            "kind": step.kind,
            "payload": step.payload or {},
            "status": "pending" if step.payload is not None else "skipped",
            "error": None if step.skip is None else step.skip.render(locale),
            "attempts": 0,
            "result": {} if step.skip is None else {"skip": stored_message(step.skip)},
        }
        for run_id, playbook_id, account_id, window in claimed
        for i, step in enumerate(by_key[(playbook_id, account_id, window)].steps)
    ]
    repo.add_actions(actions)
    return [(run_id, by_key[(p, a, w)]) for run_id, p, a, w in claimed]


@dataclass(frozen=True)
class Started:
    action_id: int
    kind: str
    payload: dict[str, Any]
    key: str  # stable per action: Message-ID and Idempotency-Key
    playbook_id: int = 0
    playbook: str = ""  # its name: the actor of what the action changes (audit log)


def open_actions(session: Session, reclaim_after: timedelta, max_attempts: int) -> list[int]:
    return RunRepository(session).open_actions(datetime.now(UTC) - reclaim_after, max_attempts)


def start_action(
    session: Session, action_id: int, reclaim_after: timedelta, max_attempts: int
) -> Started | None:
    """Take the action if it is still open (None when another worker took it)."""
    now = datetime.now(UTC)
    repo = RunRepository(session)
    if not repo.start(action_id, now, now - reclaim_after, max_attempts):
        return None
    action, run, name = repo.action(action_id)
    key = f"kasasu.{run.id}.{action.position}"
    return Started(action_id, action.kind, dict(action.payload), key, run.playbook_id, name)


def perform_local(session: Session, started: Started) -> dict[str, Any]:
    """Do an action whose effect is in Kasasu's own database; the audit log records its
    writes as the playbook's, through "playbook"."""
    actor = {"actor_kind": "playbook", "actor_id": started.playbook_id}
    with through("playbook", **actor, actor_name=started.playbook or "playbook"):
        return _perform(session, started)


def _perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
    if started.kind == "task":
        task = tasks.create(
            session,
            TaskCreate(
                external_id=f"playbook-{started.key}",
                account_id=p["account_id"],
                owner_id=p["owner_id"],
                title=p["title"][:500],
                description=p["description"],
                due_date=date.fromisoformat(p["due_date"]),
                priority=Priority(p["priority"]),
                source=TaskSource.PLAYBOOK,
            ),
        )
        return {"task_id": task.id}
    if started.kind == "set_field":
        return _set_field(session, p["account_id"], p["field"], p["value"])
    if started.kind == "enrol_survey":
        session.add_all(
            SurveyInvitation(
                account_id=p["account_id"],
                contact_id=c,
                kind=SurveyKind(p["kind"]),
                source=f"playbook:{started.key}",
            )
            for c in p["contact_ids"]
        )
        session.flush()
        return {"invitations": len(p["contact_ids"])}
    made = [
        milestones.create(
            session,
            MilestoneCreate(
                external_id=f"playbook-{started.key}-{i}",
                account_id=p["account_id"],
                plan=p["plan"],
                name=m["name"],
                position=i,
                due_date=date.fromisoformat(m["due_date"]),
            ),
        ).id
        for i, m in enumerate(p["milestones"])
    ]
    return {"milestone_ids": made}


def _set_field(session: Session, account_id: int, field: str, value: Any) -> dict[str, Any]:
    if field.startswith("custom."):
        custom = dict(accounts.get(session, account_id).custom_fields)
        custom[field.removeprefix("custom.")] = value
        accounts.update(session, account_id, AccountUpdate(custom_fields=custom))
    else:
        accounts.update(session, account_id, AccountUpdate.model_validate({field: value}))
    return {"field": field, "value": value}


def finish_action(
    session: Session,
    action_id: int,
    result: dict[str, Any],
    error: str | None = None,
    tries: int = 1,
) -> None:
    result = {**result, "tries": tries} if tries > 1 else result
    RunRepository(session).finish(
        action_id, "failed" if error else "done", error, result, datetime.now(UTC)
    )
