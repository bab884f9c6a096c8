"""A message to the team's chat (Slack, Microsoft Teams or Chatwork) about the firing, in
the CSM's language, with the playbook's title above it; sent by playbooks.delivery after the
action is marked started, to the destination configured for the channel (never stored with
the action: the Chatwork token stays in the settings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.kit.i18n import Message, _
from kasasu.kit.types import local_text
from kasasu.playbooks.action_schemas import NotifyAction
from kasasu.playbooks.actions.base import ActionKind, Step
from kasasu.playbooks.chat import CHANNEL_NAMES
from kasasu.playbooks.delivery import post_chat
from kasasu.playbooks.templates import render
from kasasu.playbooks.variables import FiringContext


def plan(action: NotifyAction, c: FiringContext) -> Step:
    if (missing := c.config.chat.missing(action.channel)) is not None:
        return Step("notify", None, missing)
    locale = c.locale_of_owner()
    payload = {
        "channel": action.channel,
        "title": local_text(c.playbook.title, locale),
        "text": render(action.text, locale, c.variables(locale)),
    }
    return Step("notify", payload)


def describe(p: Mapping[str, Any]) -> Message:
    first = p["text"].splitlines()[0] if p["text"] else ""
    return _("{channel} message: {text}", channel=CHANNEL_NAMES[p["channel"]], text=first)


KIND = ActionKind(
    type="notify",
    schema=NotifyAction,
    label=_("Chat message"),
    tally_label=_("Chat messages"),
    plan=plan,
    describe=describe,
    deliver=post_chat,
)
