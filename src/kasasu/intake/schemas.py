"""Segment's HTTP API as Kasasu reads it (https://segment.com/docs/connections/sources/
catalog/libraries/server/http-api/): the fields it uses, anything else kept or ignored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kasasu.kit.types import READ_CONFIG

_Id = Annotated[str, Field(min_length=1, max_length=200)]
MAX_CALLS = 10_000  # in one /v1/batch; Segment's own limit is 500 KB a batch


class SegmentCall(BaseModel):
    """One call: ``track``, ``page``, ``screen``, ``identify`` or ``group``. Numbers sent as
    user ids (some libraries do) are read as text."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    type: Literal["track", "page", "screen", "identify", "group", "alias"]
    messageId: _Id | None = None  # noqa: N815 - Segment's field names
    userId: _Id | None = None  # noqa: N815
    anonymousId: _Id | None = None  # noqa: N815
    groupId: _Id | None = None  # noqa: N815
    event: Annotated[str, Field(max_length=500)] | None = None
    name: Annotated[str, Field(max_length=500)] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    traits: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    timestamp: AwareDatetime | None = None
    sentAt: AwareDatetime | None = None  # noqa: N815


class SegmentBatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    batch: Annotated[list[SegmentCall], Field(max_length=MAX_CALLS)]
    writeKey: str | None = None  # noqa: N815 - the libraries send the key here too
    context: dict[str, Any] = Field(default_factory=dict)


class Skipped(BaseModel):
    message_id: str | None
    reason: str


class IntakeResult(BaseModel):
    """``success`` as Segment answers; what was stored and what was not, and why."""

    success: bool = True
    received: int
    events_stored: int = Field(description="Track and page calls stored (not duplicates)")
    duplicates: int
    users: int = Field(description="Identify and group calls applied")
    skipped: list[Skipped] = Field(description="Calls not applied, with their messageId")


class SourceRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    name: str
    key_hint: str
    created_at: datetime
    revoked_at: datetime | None


class SourceMade(BaseModel):
    source: SourceRead
    write_key: str = Field(description="Shown once: only its SHA-256 is kept")
