from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kasasu.domain.choices import Priority, TaskSource, TaskStatus
from kasasu.kit.types import (
    INPUT_CONFIG,
    READ_CONFIG,
    Day,
    ExternalId,
    LongText,
    RowId,
    ShortText,
    UTCDatetime,
)


class TaskCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    owner_id: RowId | None = None
    title: ShortText = Field(min_length=1)
    description: LongText | None = None
    due_date: Day | None = None
    status: TaskStatus = TaskStatus.OPEN
    priority: Priority = Priority.NORMAL
    source: TaskSource = TaskSource.API
    completed_at: UTCDatetime | None = None


class TaskUpdate(BaseModel):
    model_config = INPUT_CONFIG

    account_id: RowId | None = None
    owner_id: RowId | None = None
    title: ShortText | None = None
    description: LongText | None = None
    due_date: Day | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    completed_at: UTCDatetime | None = None


class TaskRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str | None
    account_id: int | None
    owner_id: int | None
    title: str
    description: str | None
    due_date: Day | None
    status: TaskStatus
    priority: Priority
    source: TaskSource
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TaskFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search title")
    account_id: RowId | None = None
    owner_id: RowId | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    source: TaskSource | None = None
    due_date_from: Day | None = None
    due_date_to: Day | None = None
