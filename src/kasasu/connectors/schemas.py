"""What the connectors say about their work."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kasasu.kit.i18n import Message, translate

MAX_KEPT_ERRORS = 50  # errors kept per run with their row or event id; the count has all


class StripeConfig(BaseModel):
    """The webhook endpoint's signing secret (whsec_…) and how old a signed delivery may be
    (seconds): older ones are refused as replays."""

    secret: str
    tolerance: int = 300


class Feed(BaseModel):
    """An export fetched from ``url`` and imported with ``profile`` (the headers hold its
    token: never shown); internal addresses only when ``allowed`` lists them."""

    profile: str
    url: str
    headers: dict[str, str] = {}
    allowed: frozenset[str] = frozenset()


class SyncError(BaseModel):
    """An error with its row ("row 12") or event id, kept translatable."""

    ref: str
    msgid: str
    params: dict[str, str] = {}

    def text(self, locale: str) -> str:
        return translate(self.msgid, locale, **self.params)


class Delivery(BaseModel):
    """What came of one webhook event."""

    event_id: str
    outcome: Literal["applied", "duplicate", "ignored"]
    errors: list[SyncError] = []


class ConnectorStatus(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    connector: str
    last_run: datetime | None
    finished: datetime | None
    rows: int
    error_count: int
    errors: list[SyncError]
    detail: str | None = None


class SyncSummary(BaseModel):
    """A run's outcome, for the CLI."""

    connector: str
    rows: int
    errors: list[SyncError]
    unchanged: bool = False  # a fetched export that is the one imported last time


def error(ref: str, message: Message) -> SyncError:
    return SyncError(
        ref=ref, msgid=message.msgid, params={k: str(v) for k, v in message.params.items()}
    )
