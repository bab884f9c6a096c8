"""Messages to a team's chat: Slack and Microsoft Teams incoming webhooks, and Chatwork's
API. One place says where each channel goes (``ChatConfig``, from KASASU_PLAYBOOKS__*) and
what each receives; kasasu.playbooks.delivery sends it, with retries.

- Slack: ``{"text": …}`` (an incoming webhook), the title in bold on the first line.
- Microsoft Teams: an Adaptive Card in the ``attachments`` envelope that a Teams "Workflows"
  webhook (the *Send webhook alerts to a channel* template) posts to a channel. The older
  Office 365 connector MessageCard is retired; Workflows read Adaptive Cards only.
- Chatwork: ``POST {api}/rooms/{room_id}/messages`` with the ``X-ChatWorkToken`` header and
  the form field ``body`` (Chatwork API v2), the title in its ``[info][title]`` notation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, get_args
from urllib.parse import urlencode

from kasasu.kit.i18n import Message, _

Channel = Literal["slack", "teams", "chatwork"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
CHANNEL_NAMES = {"slack": "Slack", "teams": "Microsoft Teams", "chatwork": "Chatwork"}
CHATWORK_API = "https://api.chatwork.com/v2"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class ChatRequest:
    url: str
    content: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class ChatConfig:
    """Where each channel posts by default; a target given with a message (a person's own
    webhook URL or Chatwork room, for their digest) goes there instead."""

    slack_url: str | None = None
    teams_url: str | None = None
    chatwork_token: str | None = None
    chatwork_room: str | None = None
    chatwork_api: str = CHATWORK_API

    def configured(self) -> frozenset[str]:
        """The channels that can post without a target of their own."""
        return frozenset(c for c in CHANNELS if self.missing(c) is None)

    def missing(self, channel: str, target: str | None = None) -> Message | None:
        """Why ``channel`` cannot post (to ``target``, else its default), or None."""
        if channel == "chatwork" and not self.chatwork_token:
            return _("No Chatwork API token is configured (KASASU_PLAYBOOKS__CHATWORK_TOKEN)")
        if target:
            return None
        if channel == "slack" and not self.slack_url:
            return _("No Slack webhook URL is configured (KASASU_PLAYBOOKS__SLACK_URL)")
        if channel == "teams" and not self.teams_url:
            return _("No Teams webhook URL is configured (KASASU_PLAYBOOKS__TEAMS_URL)")
        if channel == "chatwork" and not self.chatwork_room:
            return _("No Chatwork room is configured (KASASU_PLAYBOOKS__CHATWORK_ROOM)")
        return None

    def request(
        self, channel: str, title: str, text: str, target: str | None = None
    ) -> ChatRequest:
        """The POST that puts ``title`` and ``text`` in ``channel``; raises ``ValueError``
        when the channel is not set up (see :meth:`missing`)."""
        if (problem := self.missing(channel, target)) is not None:
            raise ValueError(problem.render("en"))
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        if channel == "slack":
            return ChatRequest(
                target or str(self.slack_url), _json(slack_body(title, text)), json_type
            )
        if channel == "teams":
            return ChatRequest(
                target or str(self.teams_url), _json(teams_card(title, text)), json_type
            )
        if channel == "chatwork":
            room = target or str(self.chatwork_room)
            if not room.isdigit():  # it goes in the URL's path
                raise ValueError(f"a Chatwork room id is a number, not {room!r}")
            return ChatRequest(
                f"{self.chatwork_api.rstrip('/')}/rooms/{room}/messages",
                urlencode(chatwork_form(title, text)).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-ChatWorkToken": str(self.chatwork_token),
                },
            )
        raise ValueError(f"unknown chat channel {channel!r}")


def slack_body(title: str, text: str) -> dict[str, Any]:
    return {"text": f"*{title}*\n{text}" if title else text}


def teams_card(title: str, text: str) -> dict[str, Any]:
    """An Adaptive Card (schema 1.4, which Teams renders) with the title as a heading and
    a text block per line below it (Teams joins the lines of one block)."""
    blocks: list[dict[str, Any]] = []
    if title:
        blocks.append(
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
        )
    blocks += [
        {"type": "TextBlock", "text": line, "wrap": True}
        for line in text.splitlines()
        if line.strip()
    ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": ADAPTIVE_CARD,
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": blocks,
                },
            }
        ],
    }


def chatwork_form(title: str, text: str) -> dict[str, str]:
    body = f"[info][title]{title}[/title]{text}[/info]" if title else text
    return {"body": body}


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
