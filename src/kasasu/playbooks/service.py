"""Playbooks for the delivery layers: definitions, plans written out, and the log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kasasu.playbooks.actions import describe
from kasasu.playbooks.backtest import PlaybookBacktest, backtest_playbooks
from kasasu.playbooks.definitions import (
    ensure_default_playbooks,
    get_playbook,
    list_playbooks,
    note_problems,
    parse_playbooks,
    save_playbook,
    validate_playbook,
)
from kasasu.playbooks.execution import read_message
from kasasu.playbooks.planning import Plan
from kasasu.playbooks.repository import RunRepository
from kasasu.playbooks.schemas import PlannedAction, RunRead

__all__ = [
    "PlaybookBacktest",
    "backtest_playbooks",
    "ensure_default_playbooks",
    "get_playbook",
    "list_playbooks",
    "note_problems",
    "parse_playbooks",
    "plan_reads",
    "playbook_log",
    "save_playbook",
    "validate_playbook",
]


def plan_reads(plan: Plan, names: dict[int, str], locale: str) -> list[RunRead]:
    """A plan as a dry run shows it: each run and what each action would do."""
    return [
        RunRead(
            id=None,
            playbook=p.playbook,
            account_id=p.firing.account_id,
            account=names.get(p.firing.account_id, ""),
            window=p.firing.window,
            fired_on=plan.day,
            trigger={"summary": p.firing.summary.render(locale)},
            actions=[
                PlannedAction(
                    kind=step.kind, summary=describe(step.kind, step.payload, step.skip, locale)
                )
                for step in p.steps
            ],
        )
        for p in plan.planned
    ]


def playbook_log(
    session: Session,
    locale: str,
    *,
    limit: int = 100,
    playbook: str | None = None,
    account_id: int | None = None,
    status: str | None = None,
    run_ids: Sequence[int] | None = None,
) -> list[RunRead]:
    """The latest runs, newest first, with every action's status, tries and error."""
    rows = RunRepository(session).log(limit, playbook, account_id, status, run_ids)
    return [
        RunRead(
            id=run.id,
            playbook=name,
            account_id=run.account_id,
            account=account,
            window=run.window,
            fired_on=run.fired_on,
            trigger={"summary": read_message(run.trigger, locale), "window": run.window},
            created_at=run.created_at,
            actions=[
                PlannedAction(
                    kind=a.kind,
                    summary=describe(a.kind, a.payload or None, None, locale)
                    if a.status != "skipped"
                    else read_message(a.result.get("skip") or {"summary": a.error}, locale),
                    status=a.status,
                    attempts=a.attempts,
                    error=a.error if a.status != "skipped" else None,
                )
                for a in actions
            ],
        )
        for run, name, account, actions in rows
    ]
