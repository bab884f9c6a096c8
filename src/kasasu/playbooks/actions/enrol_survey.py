"""Invite the account's champions (or all its contacts) to an NPS, CSAT or CES survey; the
next campaign of that kind emails the invitations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.kit.i18n import Message, _
from kasasu.playbooks.action_schemas import SurveyAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.variables import FiringContext
from kasasu.surveys.campaigns import enrol_contacts


def plan(action: SurveyAction, c: FiringContext) -> Step:
    chosen = {
        "champion": c.reader.champions,
        "trigger": c.trigger_contacts,
    }.get(action.contacts, lambda: c.reader.contacts)()
    if not chosen:
        return Step("enrol_survey", None, _("No contact to survey"))
    payload = {
        "account_id": c.account.id,
        "kind": action.kind.value,
        "contact_ids": [x.id for x in chosen],
    }
    return Step("enrol_survey", payload)


def describe(p: Mapping[str, Any]) -> Message:
    return _("{kind} survey for {n} contacts", kind=p["kind"].upper(), n=len(p["contact_ids"]))


def perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
    made = enrol_contacts(
        session,
        p["account_id"],
        p["contact_ids"],
        SurveyKind(p["kind"]),
        source=f"playbook:{started.key}",
    )
    return {"invitations": made}


KIND = ActionKind(
    type="enrol_survey",
    schema=SurveyAction,
    label=_("Survey invitation"),
    tally_label=_("Survey invitations"),
    plan=plan,
    describe=describe,
    perform=perform,
)
