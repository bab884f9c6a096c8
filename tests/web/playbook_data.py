"""Two playbooks fired on tests/playbooks/world.py's accounts, their runs claimed as the
runner claims them, and the actions' outcomes set by hand:

playbook   fires for   actions (outcome)
red-alert  P1          task (done), webhook (failed after 3 tries: "HTTP 503")
quiet      P3          email (skipped: P3's only contact has no email address)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.models import PlaybookAction
from kasasu.playbooks.execution import claim_plan
from kasasu.playbooks.planning import PlaybookConfig, plan_day
from kasasu.playbooks.service import save_playbook, validate_playbook
from tests.playbooks.world import DAY, build_world

CONFIG = PlaybookConfig("Asia/Tokyo", "JPY", "en", "http://kasasu.test")

RED_ALERT = {
    "name": "red-alert",
    "title": {"ja": "赤になった顧客", "en": "Account turned red"},
    "description": {"ja": "赤になったら連絡する。", "en": "Call when it turns red."},
    "trigger": {"type": "band_changed", "to": "red"},
    "when": 'plan == "Pro"',
    "cooldown_days": 14,
    "actions": [
        {"type": "task", "title": "Call {{ account.name }}", "due_in_days": 2},
        {"type": "webhook", "url": "http://127.0.0.1:9/hook"},
    ],
}
QUIET = {
    "name": "quiet",
    "title": "Quiet accounts",
    "enabled": False,
    "trigger": {"type": "no_login", "days": 14},
    "cooldown_days": 30,
    "actions": [
        {"type": "email", "to": "contacts", "subject": "Hello {{ account.name }}", "body": "Hi"}
    ],
}


def add_playbook_runs(session: Session) -> dict[str, int]:
    """The world's accounts (name → id), the two playbooks and their three actions."""
    ids = build_world(session)
    for data in (RED_ALERT, {**QUIET, "enabled": True}):
        save_playbook(session, validate_playbook(data))
    claim_plan(session, plan_day(session, DAY, CONFIG), "en")
    save_playbook(session, validate_playbook(QUIET))  # disabled after it ran
    actions = session.scalars(select(PlaybookAction).where(PlaybookAction.kind != "email"))
    for action in actions:
        if action.kind == "task":
            action.status, action.attempts = "done", 1
        else:
            action.status, action.attempts, action.error = "failed", 3, "HTTP 503"
    session.flush()
    return ids
