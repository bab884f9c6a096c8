from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import SurveyKind
from kasasu.kit.types import (
    INPUT_CONFIG,
    READ_CONFIG,
    ExternalId,
    LongText,
    Moment,
    RowId,
    UTCDatetime,
)

Campaign = Annotated[str, Field(max_length=200)]


class ResponseCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    contact_id: RowId | None = None
    kind: SurveyKind
    score: int = Field(description="NPS 0-10, CSAT 1-5, CES 1-7")
    comment: LongText | None = None
    answered_at: UTCDatetime
    campaign: Campaign | None = None


class ResponseUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    contact_id: RowId | None = None
    kind: SurveyKind | None = None
    score: int | None = None
    comment: LongText | None = None
    answered_at: UTCDatetime | None = None
    campaign: Campaign | None = None


class ResponseRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    contact_id: int | None
    kind: SurveyKind
    score: int
    comment: str | None
    answered_at: datetime
    campaign: str | None
    created_at: datetime
    updated_at: datetime


class ResponseFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search comments")
    account_id: RowId | None = None
    contact_id: RowId | None = None
    kind: SurveyKind | None = None
    campaign: str | None = None
    answered_at_from: Moment | None = None
    answered_at_to: Moment | None = None
