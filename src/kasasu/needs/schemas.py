from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import NeedStatus, RequestSource
from kasasu.kit.types import INPUT_CONFIG, MAX_INTEGER, READ_CONFIG, Day, LongText, RowId, ShortText

EffortDays = Annotated[
    int, Field(ge=1, le=MAX_INTEGER, description="Estimated effort in person-days")
]


class NeedCreate(BaseModel):
    model_config = INPUT_CONFIG

    title: ShortText = Field(min_length=1)
    description: LongText | None = None
    effort_days: EffortDays | None = None
    requests: list[RowId] = Field(default=[], description="Requests (feedback ids) to group")


class NeedUpdate(BaseModel):
    model_config = INPUT_CONFIG

    title: ShortText | None = Field(default=None, min_length=1)
    description: LongText | None = None
    effort_days: EffortDays | None = None


class StatusChange(BaseModel):
    model_config = INPUT_CONFIG

    status: NeedStatus
    note: LongText | None = None


class RequestLinks(BaseModel):
    model_config = INPUT_CONFIG

    requests: list[RowId] = Field(min_length=1, description="Feedback ids")


class NeedRow(BaseModel):
    """A need on the board: who asks, what they are worth, what it costs."""

    id: int
    title: str
    status: NeedStatus
    effort_days: int | None
    requests: int
    accounts: int
    arr: int = Field(description="ARR of the accounts asking (minor units)")
    at_risk: int = Field(description="Accounts asking that are red or yellow")
    arr_at_risk: int
    value_for_effort: float | None = Field(description="ARR at stake ÷ effort days")
    updated_at: datetime


class NeedBoard(BaseModel):
    as_of: Day | None = Field(description="The refresh whose MRR and bands are used")
    currency: str
    ranked: list[NeedRow] = Field(description="Estimated needs, best value for effort first")
    not_estimated: list[NeedRow] = Field(description="Needs without effort, largest ARR first")


class NeedRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    title: str
    description: str | None
    status: NeedStatus
    effort_days: int | None
    created_at: datetime
    updated_at: datetime


class RequestRow(BaseModel):
    id: int
    account_id: int
    account_name: str
    title: str
    body: str | None
    source_kind: RequestSource | None
    source_id: int | None
    created_at: datetime


class AskingAccount(BaseModel):
    account_id: int
    name: str
    requests: int
    arr: int
    band: str | None


class StatusChangeRead(BaseModel):
    from_status: NeedStatus | None
    to_status: NeedStatus
    changed_by: str | None
    note: str | None
    tasks_created: int
    changed_at: datetime


class NeedDetail(BaseModel):
    need: NeedRead
    row: NeedRow
    requests: list[RequestRow]
    accounts: list[AskingAccount]
    history: list[StatusChangeRead]
