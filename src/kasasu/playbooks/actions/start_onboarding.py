"""Start an onboarding plan on the account (a new account gets its plan this way: the
shipped playbook ``new-account-onboarding``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.errors import Conflict, NotFound
from kasasu.kit.i18n import Message, _
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import start_onboarding
from kasasu.playbooks.action_schemas import StartOnboardingAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.variables import FiringContext


def plan(action: StartOnboardingAction, c: FiringContext) -> Step:
    return Step(
        "start_onboarding",
        {
            "account_id": c.account.id,
            "template": action.template,
            "locale": c.config.locale,
            "day": c.day.isoformat(),
        },
    )


def describe(p: Mapping[str, Any]) -> Message:
    if p.get("template"):
        return _("start the onboarding plan {template}", template=p["template"])
    return _("start the onboarding plan that applies")


def perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
    try:
        made = start_onboarding(
            session,
            p["account_id"],
            OnboardingStart(template=p["template"]),
            by=None,
            locale=p["locale"],
            today=date.fromisoformat(p["day"]),
        )
    except (Conflict, NotFound) as exc:  # a plan already, or none applies: nothing to start
        return {"started": False, "reason": exc.message.render("en")}
    return {"started": True, "onboarding_id": made.id, "template": made.template}


KIND = ActionKind(
    type="start_onboarding",
    schema=StartOnboardingAction,
    label=_("Start onboarding"),
    tally_label=_("Onboardings started"),
    plan=plan,
    describe=describe,
    perform=perform,
)
