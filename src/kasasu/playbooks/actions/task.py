"""A task for the account's CSM, in their language; the checklist goes in its description."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import Priority, TaskSource
from kasasu.kit.i18n import Message, _
from kasasu.playbooks.action_schemas import TaskAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.templates import render
from kasasu.playbooks.variables import FiringContext
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks


def plan(action: TaskAction, c: FiringContext) -> Step:
    locale = c.locale_of_owner()
    variables = c.variables(locale)
    lines = [render(action.description, locale, variables)] if action.description else []
    lines += [f"☐ {render(item, locale, variables)}" for item in action.checklist]
    payload = {
        "account_id": c.account.id,
        "owner_id": c.account.owner_id,
        "title": render(action.title, locale, variables),
        "description": "\n".join(lines) or None,
        "due_date": (c.day + timedelta(days=action.due_in_days)).isoformat(),
        "priority": action.priority.value,
    }
    return Step("task", payload)


def describe(p: Mapping[str, Any]) -> Message:
    return _("task “{title}” due {due}", title=p["title"], due=p["due_date"])


def perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
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


KIND = ActionKind(
    type="task",
    schema=TaskAction,
    label=_("Task"),
    tally_label=_("Tasks"),
    plan=plan,
    describe=describe,
    perform=perform,
)
