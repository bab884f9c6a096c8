"""Storing a day's plan as runs (once per playbook, account and window) and carrying out
their actions. Work inside the database (tasks, fields, survey invitations, onboarding) is
done in the same transaction that marks the action done, so it happens exactly once; email
and webhooks are marked started before they are sent and done after (see docs/playbooks.md
for the one moment where a crash can make them go twice, and how receivers tell)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.audit import through
from kasasu.kit.i18n import Message
from kasasu.playbooks.actions import ACTION_KINDS, Started
from kasasu.playbooks.planning import Plan, Planned
from kasasu.playbooks.repository import RunRepository


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
    perform = ACTION_KINDS[started.kind].perform
    if perform is None:
        raise ValueError(f"{started.kind} actions are delivered, not performed")
    return perform(session, started)


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
