"""Set an account field (lifecycle_stage, tier, plan, touch_model or custom.NAME) through
the accounts service, so the change is validated and audited like a person's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountUpdate
from kasasu.accounts.service import accounts
from kasasu.kit.i18n import Message, _
from kasasu.playbooks.action_schemas import SetFieldAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.variables import FiringContext


def plan(action: SetFieldAction, c: FiringContext) -> Step:
    return Step(
        "set_field", {"account_id": c.account.id, "field": action.field, "value": action.value}
    )


def describe(p: Mapping[str, Any]) -> Message:
    return _("set {field} = {value}", field=p["field"], value=p["value"])


def perform(session: Session, started: Started) -> dict[str, Any]:
    account_id, field, value = (started.payload[k] for k in ("account_id", "field", "value"))
    if field.startswith("custom."):
        custom = dict(accounts.get(session, account_id).custom_fields)
        custom[field.removeprefix("custom.")] = value
        accounts.update(session, account_id, AccountUpdate(custom_fields=custom))
    else:
        accounts.update(session, account_id, AccountUpdate.model_validate({field: value}))
    return {"field": field, "value": value}


KIND = ActionKind(
    type="set_field",
    schema=SetFieldAction,
    label=_("Change a field"),
    tally_label=_("Field changes"),
    plan=plan,
    describe=describe,
    perform=perform,
)
