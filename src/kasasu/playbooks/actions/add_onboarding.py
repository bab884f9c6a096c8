"""Add onboarding milestones under a plan, due that many days after the firing's day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.kit.i18n import Message, _
from kasasu.onboarding.schemas import MilestoneCreate
from kasasu.onboarding.service import milestones
from kasasu.playbooks.action_schemas import OnboardingAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.variables import FiringContext


def plan(action: OnboardingAction, c: FiringContext) -> Step:
    due = [
        {"name": m.name, "due_date": (c.day + timedelta(days=m.due_in_days)).isoformat()}
        for m in action.milestones
    ]
    return Step(
        "add_onboarding", {"account_id": c.account.id, "plan": action.plan, "milestones": due}
    )


def describe(p: Mapping[str, Any]) -> Message:
    return _("onboarding plan {plan} ({n} milestones)", plan=p["plan"], n=len(p["milestones"]))


def perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
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


KIND = ActionKind(
    type="add_onboarding",
    schema=OnboardingAction,
    label=_("Onboarding plan"),
    tally_label=_("Onboarding plans"),
    plan=plan,
    describe=describe,
    perform=perform,
)
