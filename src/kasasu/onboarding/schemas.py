from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.kit.types import (
    INPUT_CONFIG,
    MAX_INTEGER,
    READ_CONFIG,
    Day,
    ExternalId,
    Name,
    RowId,
    UTCDatetime,
)

Position = Annotated[int, Field(ge=0, le=MAX_INTEGER)]


class MilestoneCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    plan: Name
    name: Name
    position: Position = 0
    is_first_value: bool = False
    due_date: Day | None = None
    done_at: UTCDatetime | None = None


class MilestoneRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    plan: str
    name: str
    position: int
    is_first_value: bool
    due_date: Day | None
    done_at: datetime | None
