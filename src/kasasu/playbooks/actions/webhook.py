"""A signed JSON POST (or Slack's ``{"text": …}``) about the firing, retried with backoff
by playbooks.delivery after the action is marked started."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.kit.i18n import Message, _
from kasasu.playbooks.action_schemas import WebhookAction
from kasasu.playbooks.actions.base import ActionKind, Step
from kasasu.playbooks.delivery import post_webhook
from kasasu.playbooks.templates import render
from kasasu.playbooks.variables import FiringContext


def plan(action: WebhookAction, c: FiringContext) -> Step:
    url = c.config.slack_url if action.url == "slack" else action.url
    if not url:
        return Step(
            "webhook", None, _("No Slack webhook URL is configured (KASASU_PLAYBOOKS__SLACK_URL)")
        )
    locale = c.locale_of_owner()
    variables = c.variables(locale)
    text = render(action.text, locale, variables) if action.text else None
    if action.format == "slack":
        body: dict[str, Any] = {"text": text}
    else:
        body = {
            "event": "playbook.fired",
            "playbook": c.playbook.name,
            "day": c.day.isoformat(),
            "window": c.firing.window,
            "account": {
                **{k: variables["account"][k] for k in ("id", "external_id", "name", "plan")},
                "mrr": str(variables["account"]["mrr"]),
            },
            "owner": variables["owner"],
            "health": variables["health"],
            "trigger": variables["trigger"],
            "text": text,
        }
    return Step("webhook", {"url": url, "format": action.format, "body": body})


def describe(p: Mapping[str, Any]) -> Message:
    return _("POST {url} ({format})", url=p["url"], format=p["format"])


KIND = ActionKind(
    type="webhook",
    schema=WebhookAction,
    label=_("Webhook"),
    tally_label=_("Webhooks"),
    plan=plan,
    describe=describe,
    deliver=post_webhook,
)
