"""A playbook started by hand on one account (the account page's "start a playbook").

A CSM decided, so the playbook's trigger and condition are not asked; its actions are
planned and stored as a day's run stores them (one run per start). What happens in Kasasu's
own database (tasks, fields) is done at once, in the caller's transaction; emails and
webhooks wait, stored, for the next run of the playbooks (the daily refresh or ``kasasu
playbooks run``), which delivers each exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.playbooks.actions import LOCAL_KINDS
from kasasu.playbooks.definitions import enabled_playbooks
from kasasu.playbooks.execution import claim_plan, finish_action, perform_local, start_action
from kasasu.playbooks.planning import PlaybookConfig, plan_firing
from kasasu.playbooks.repository import RunRepository
from kasasu.playbooks.triggers.base import Firing


@dataclass(frozen=True)
class ManualStart:
    run_id: int
    done: int  # actions done at once (tasks, fields)
    waiting: int  # emails and webhooks left for the next run
    skipped: int  # actions with nothing to do for this account (a text it cannot fill)


def start_on_account(
    session: Session, day: date, config: PlaybookConfig, name: str, account_id: int, *,
    started_by: str,
) -> ManualStart:  # fmt: skip
    """Start the enabled playbook ``name`` on ``account_id`` now."""
    found = next((pb for pb in enabled_playbooks(session) if pb[1].name == name), None)
    if found is None:
        raise NotFound(_("There is no enabled playbook named {name}", name=name))
    playbook_id, playbook = found
    now = datetime.now(UTC)
    summary = _("Started by hand by {name}", name=started_by)
    firing = Firing(account_id, f"manual:{now.isoformat(timespec='microseconds')}", summary)
    plan = plan_firing(session, day, config, (playbook_id, playbook, firing))
    [(run_id, _planned)] = claim_plan(session, plan, config.locale)
    done = waiting = skipped = 0
    for action_id, kind, status in RunRepository(session).actions_of(run_id):
        if status == "skipped":  # nothing to do for this account (said on the run)
            skipped += 1
            continue
        if kind not in LOCAL_KINDS:
            waiting += 1
            continue
        started = start_action(session, action_id, timedelta(minutes=15), 1)
        if started is None:
            raise RuntimeError(f"playbook action {action_id} of a new run was taken")
        finish_action(session, action_id, perform_local(session, started))
        done += 1
    return ManualStart(run_id, done, waiting, skipped)
