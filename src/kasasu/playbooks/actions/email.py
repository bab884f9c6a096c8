"""An email to the CSM, the account's champions or all its contacts, in the reader's
language; sent through kasasu.kit.mail after the action is marked started."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.kit.i18n import Message, _
from kasasu.kit.mail import send_email
from kasasu.playbooks.action_schemas import EmailAction
from kasasu.playbooks.actions.base import ActionKind, Step
from kasasu.playbooks.delivery import Delivery
from kasasu.playbooks.templates import render
from kasasu.playbooks.variables import FiringContext


def plan(action: EmailAction, c: FiringContext) -> Step:
    if action.to == "owner":
        owner = c.reader.owner
        to, locale = ([owner.email] if owner else []), c.locale_of_owner()
    else:
        chosen = {
            "champion": c.reader.champions,
            "trigger": c.trigger_contacts,
        }.get(action.to, lambda: c.reader.contacts)()
        to, locale = [x.email for x in chosen if x.email], c.locale_of_customer(chosen)
    if not to:
        return Step("email", None, _("No recipient with an email address"))
    variables = c.variables(locale)
    return Step(
        "email",
        {
            "to": to,
            "locale": locale,
            "subject": render(action.subject, locale, variables).strip(),
            "body": render(action.body, locale, variables),
        },
    )


def describe(p: Mapping[str, Any]) -> Message:
    return _("email to {to}: {subject}", to=", ".join(p["to"]), subject=p["subject"])


def deliver(payload: Mapping[str, Any], key: str, delivery: Delivery) -> dict[str, Any]:
    return send_email(payload, key, delivery.mail)


KIND = ActionKind(
    type="email",
    schema=EmailAction,
    label=_("Email"),
    tally_label=_("Emails"),
    plan=plan,
    describe=describe,
    deliver=deliver,
)
