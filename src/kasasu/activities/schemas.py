from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kasasu.domain.choices import ActivityKind
from kasasu.kit.types import (
    INPUT_CONFIG,
    READ_CONFIG,
    ExternalId,
    LongText,
    Moment,
    RowId,
    ShortText,
    UTCDatetime,
)


class ActivityCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    contact_id: RowId | None = None
    user_id: RowId | None = None
    kind: ActivityKind
    subject: ShortText
    body: LongText | None = None
    occurred_at: UTCDatetime


class ActivityUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    contact_id: RowId | None = None
    user_id: RowId | None = None
    kind: ActivityKind | None = None
    subject: ShortText | None = None
    body: LongText | None = None
    occurred_at: UTCDatetime | None = None


class ActivityRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    contact_id: int | None
    user_id: int | None
    kind: ActivityKind
    subject: str
    body: str | None
    occurred_at: datetime
    created_at: datetime
    updated_at: datetime


class ActivityFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search subject and body")
    account_id: RowId | None = None
    user_id: RowId | None = None
    kind: ActivityKind | None = None
    occurred_at_from: Moment | None = None
    occurred_at_to: Moment | None = None
