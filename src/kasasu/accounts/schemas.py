from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, ExternalId, Name, RowId

CustomValue = str | int | float | bool | None
ShortName = Annotated[str, Field(max_length=100)]


class AccountBase(BaseModel):
    model_config = INPUT_CONFIG

    name_kana: Name | None = None
    domain: Annotated[str, Field(max_length=253)] | None = None
    industry: ShortName | None = None
    employee_band: Annotated[str, Field(max_length=32)] | None = None
    plan: ShortName | None = None
    tier: ShortName | None = None
    owner_id: RowId | None = None
    touch_model: TouchModel | None = None
    lifecycle_stage: LifecycleStage | None = None
    custom_fields: dict[str, CustomValue] = Field(default_factory=dict)


class AccountCreate(AccountBase):
    external_id: ExternalId | None = None
    name: Name


class AccountUpdate(AccountBase):
    external_id: ExternalId | None = None
    name: Name | None = None


class AccountRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    name: str
    name_kana: str | None
    domain: str | None
    industry: str | None
    employee_band: str | None
    plan: str | None
    tier: str | None
    owner_id: int | None
    touch_model: TouchModel | None
    lifecycle_stage: LifecycleStage | None
    custom_fields: dict[str, CustomValue]
    created_at: datetime
    updated_at: datetime


class AccountFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search name, kana, external id, domain")
    owner_id: RowId | None = None
    plan: str | None = None
    tier: str | None = None
    industry: str | None = None
    touch_model: TouchModel | None = None
    lifecycle_stage: LifecycleStage | None = None
