"""Running the playbooks for a day (DESIGN.md §3 refresh step 5), one transaction per step:
plan, claim (once per playbook, account and window), then each action on its own, so a
failure never stops the others and a crash loses at most the action in hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kasasu.accounts.service import account_names
from kasasu.db import session_factory, transaction
from kasasu.playbooks.actions import ACTION_KINDS, LOCAL_KINDS, Started
from kasasu.playbooks.delivery import Delivery, DeliveryError
from kasasu.playbooks.execution import (
    claim_plan,
    finish_action,
    open_actions,
    perform_local,
    start_action,
)
from kasasu.playbooks.planning import Planned, PlaybookConfig, plan_day
from kasasu.playbooks.schemas import RunRead
from kasasu.playbooks.service import (
    ensure_default_playbooks,
    note_problems,
    plan_reads,
    playbook_log,
)

SHOWN = 200  # runs written out in a summary; the log has them all

# (action id, its new status or None when another worker had it, actions in this call)
OnAction = Callable[[int, str | None, int], None]


@dataclass(frozen=True)
class PlaybookSetup:
    config: PlaybookConfig
    delivery: Delivery
    reclaim_after: timedelta
    max_attempts: int


@dataclass
class PlaybookOutcome:
    day: date
    dry_run: bool
    fired: int  # runs this call planned (dry run) or claimed
    skipped: int  # fired before for that occurrence, or cooling down
    done: int = 0
    failed: int = 0
    runs: list[RunRead] | None = None
    # playbook → {"runs": n, "task": n, "email": n, …, "skipped": n}: what fired, by kind
    tally: dict[str, dict[str, int]] = field(default_factory=dict)


def _tally(planned: Sequence[Planned]) -> dict[str, dict[str, int]]:
    tally: dict[str, dict[str, int]] = {}
    for p in planned:
        counts = tally.setdefault(p.playbook, {"runs": 0})
        counts["runs"] += 1
        for step in p.steps:
            kind = step.kind if step.payload is not None else "skipped"
            counts[kind] = counts.get(kind, 0) + 1
    return tally


def run_playbooks(
    engine: Engine,
    day: date,
    setup: PlaybookSetup,
    *,
    dry_run: bool = False,
    only: Sequence[str] = (),
    on_action: OnAction | None = None,
) -> PlaybookOutcome:
    """Plan ``day``; unless ``dry_run``, claim the new runs and carry out every open action
    (also those a stopped run left). The shipped library is installed first if there is no
    playbook."""
    factory = session_factory(engine)
    locale = setup.config.locale
    # BEGIN IMMEDIATE, as the refresh's steps: it reads, then writes (the shipped library,
    # the claimed runs), and on SQLite a deferred transaction fails at its first write when
    # another process (a second worker recording that it skipped the day, a user) committed
    # since it read.
    with transaction(factory, write=True) as session:
        ensure_default_playbooks(session)
        plan = plan_day(session, day, setup.config, only=only)
        if dry_run:
            names = account_names(session, [p.firing.account_id for p in plan.planned[:SHOWN]])
            runs = plan_reads(plan, names, locale)[:SHOWN]
            return PlaybookOutcome(
                day,
                dry_run=True,
                fired=len(plan.planned),
                skipped=plan.skipped,
                runs=runs,
                tally=_tally(plan.planned),
            )
        claimed = claim_plan(session, plan, locale)
        note_problems(session, day, plan.checked, plan.problems)
    skipped = plan.skipped + len(plan.planned) - len(claimed)  # another worker claimed them
    outcome = PlaybookOutcome(
        day,
        dry_run=False,
        fired=len(claimed),
        skipped=skipped,
        tally=_tally([p for _run_id, p in claimed]),
    )
    with transaction(factory) as session:
        pending = open_actions(session, setup.reclaim_after, setup.max_attempts)
    with httpx.Client() as client:
        setup = replace(setup, delivery=replace(setup.delivery, client=client))
        for action_id in pending:
            status = execute_action(factory, action_id, setup)
            if status == "done":
                outcome.done += 1
            elif status == "failed":
                outcome.failed += 1
            if on_action:
                on_action(action_id, status, len(pending))
    with transaction(factory) as session:
        shown = [run_id for run_id, _p in claimed[:SHOWN]]
        outcome.runs = playbook_log(session, locale, limit=SHOWN, run_ids=shown)
    return outcome


def execute_action(
    factory: sessionmaker[Session], action_id: int, setup: PlaybookSetup
) -> str | None:
    """Carry out one action; its new status, or None when another worker has it."""
    with transaction(factory, write=True) as session:
        started = start_action(session, action_id, setup.reclaim_after, setup.max_attempts)
        if started is None:
            return None
        if started.kind in LOCAL_KINDS:
            return _local(session, started)
    # Marked started and committed: an email or webhook goes out after this line.
    try:
        result = _send(started, setup.delivery)
    except DeliveryError as exc:
        with transaction(factory, write=True) as session:
            finish_action(session, action_id, {}, str(exc), exc.tries)
        return "failed"
    with transaction(factory, write=True) as session:
        finish_action(session, action_id, result, tries=int(result.get("tries", 1)))
    return "done"


def _local(session: Session, started: Started) -> str:
    try:
        with session.begin_nested():
            result = perform_local(session, started)
    except Exception as exc:  # noqa: BLE001 - any failure is logged on the action; the others go on
        finish_action(session, started.action_id, {}, f"{type(exc).__name__}: {exc}")
        return "failed"
    finish_action(session, started.action_id, result)
    return "done"


def _send(started: Started, delivery: Delivery) -> dict[str, Any]:
    try:
        deliver = ACTION_KINDS[started.kind].deliver
        if deliver is None:
            raise DeliveryError(f"{started.kind} actions are performed, not delivered")
        return deliver(started.payload, started.key, delivery)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
