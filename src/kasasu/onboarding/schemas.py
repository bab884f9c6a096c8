from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, ExternalId, Name, RowId, UTCDatetime

Position = Annotated[int, Field(ge=0)]


class MilestoneCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    plan: Name
    name: Name
    position: Position = 0
    is_first_value: bool = False
    due_date: date | None = None
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
    due_date: date | None
    done_at: datetime | None
