from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import Priority, TicketChannel, TicketStatus
from kasasu.kit.types import (
    INPUT_CONFIG,
    READ_CONFIG,
    ExternalId,
    Moment,
    RowId,
    ShortText,
    UTCDatetime,
)

Satisfaction = Annotated[int, Field(ge=1, le=5)]


class TicketCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    contact_id: RowId | None = None
    subject: ShortText
    opened_at: UTCDatetime
    first_response_at: UTCDatetime | None = None
    resolved_at: UTCDatetime | None = None
    priority: Priority = Priority.NORMAL
    status: TicketStatus = TicketStatus.OPEN
    channel: TicketChannel | None = None
    escalated: bool = False
    satisfaction: Satisfaction | None = None


class TicketUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    contact_id: RowId | None = None
    subject: ShortText | None = None
    opened_at: UTCDatetime | None = None
    first_response_at: UTCDatetime | None = None
    resolved_at: UTCDatetime | None = None
    priority: Priority | None = None
    status: TicketStatus | None = None
    channel: TicketChannel | None = None
    escalated: bool | None = None
    satisfaction: Satisfaction | None = None


class TicketRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    contact_id: int | None
    subject: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    priority: Priority
    status: TicketStatus
    channel: TicketChannel | None
    escalated: bool
    satisfaction: int | None
    created_at: datetime
    updated_at: datetime


class TicketFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search subject")
    account_id: RowId | None = None
    status: TicketStatus | None = None
    priority: Priority | None = None
    channel: TicketChannel | None = None
    escalated: bool | None = None
    opened_at_from: Moment | None = None
    opened_at_to: Moment | None = None
