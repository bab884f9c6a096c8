"""The SDK's environments (where a product sends from, with its keys and origins) and the
batches of events its script sends."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG

EnvironmentName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
]
# An origin as a browser sends it: scheme, host and port, nothing after.
Origin = Annotated[str, StringConstraints(pattern=r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$")]


class EnvironmentCreate(BaseModel):
    model_config = INPUT_CONFIG
    name: EnvironmentName
    origins: list[Origin] = Field(min_length=1, max_length=50)


class EnvironmentRead(BaseModel):
    model_config = READ_CONFIG
    id: int
    name: str
    public_key: str
    origins: list[str]
    enabled: bool
    created_at: datetime


class SdkEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a newer script may send more
    id: str = Field(min_length=1, max_length=100, description="The script's id of the event")
    name: str = Field(min_length=1, max_length=200)
    at: AwareDatetime
    url: str | None = Field(default=None, max_length=2000)
    properties: dict[str, Any] = Field(default_factory=dict)


class SdkBatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    environment: str = Field(min_length=1, max_length=100, description="Its public key")
    account: str = Field(min_length=1, max_length=200, description="The account's external id")
    user: str = Field(min_length=1, max_length=200)
    signature: str | None = Field(
        default=None,
        max_length=128,
        description='hex(HMAC-SHA256(environment secret, account + ":" + user))',
    )
    events: list[SdkEvent] = Field(min_length=1, max_length=100)


class SdkAccepted(BaseModel):
    received: int
    stored: int = Field(description="New events; the others were sent before")
