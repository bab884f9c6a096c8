"""A person's digest channel: email (the default), Slack, Microsoft Teams, Chatwork, or
none; with a target of their own (a webhook URL, a Chatwork room) or the deployment's."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, Field

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

DigestChannel = Literal["email", "slack", "teams", "chatwork", "off"]
DIGEST_CHANNELS: tuple[DigestChannel, ...] = get_args(DigestChannel)
CHAT_CHANNELS = frozenset({"slack", "teams", "chatwork"})
CHANNEL_LABELS: dict[str, Message] = {
    "email": _("Email"),
    "slack": _("Slack"),
    "teams": _("Microsoft Teams"),
    "chatwork": _("Chatwork"),
    "off": _("No digest"),
}
_URL = re.compile(r"^https?://\S+$")


class DigestPreferenceRead(BaseModel):
    user_id: int
    channel: DigestChannel = "email"
    target: str | None = Field(
        default=None, description="Their own webhook URL or Chatwork room; none: the deployment's"
    )


class DigestPreferenceUpdate(BaseModel):
    channel: DigestChannel
    target: str | None = Field(default=None, max_length=2000)

    def checked(self) -> DigestPreferenceUpdate:
        """The target trimmed, kept only where it means something, and of its channel's
        form; ``InvalidInput`` naming the field otherwise."""
        target = (self.target or "").strip() or None
        if self.channel not in CHAT_CHANNELS or target is None:
            return DigestPreferenceUpdate(channel=self.channel, target=None)
        if self.channel == "chatwork" and not target.isdigit():
            problem = _("A Chatwork room id is a number (the digits after rid in its URL)")
        elif self.channel != "chatwork" and not _URL.match(target):
            problem = _("A webhook URL starts with https:// or http://")
        else:
            return DigestPreferenceUpdate(channel=self.channel, target=target)
        raise InvalidInput(problem, [FieldError(("target",), problem, target)])
