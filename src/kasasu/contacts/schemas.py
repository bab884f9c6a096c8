from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import ContactRole, Language
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, Day, ExternalId, Name, RowId

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]
Phone = Annotated[str, Field(max_length=50)]


class ContactCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    name: Name
    name_kana: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    title: Name | None = None
    role: ContactRole = ContactRole.USER
    locale: Language | None = Field(
        default=None, description="The language they read (none: their account's)"
    )


class ContactUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    name: Name | None = None
    name_kana: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    title: Name | None = None
    role: ContactRole | None = None
    locale: Language | None = None
    left_on: Day | None = Field(default=None, description="The day they left the company")


class ContactRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    name: str
    name_kana: str | None
    email: str | None
    phone: str | None
    title: str | None
    role: ContactRole
    locale: Language | None = None
    reference_ok: bool = False
    left_on: date | None = None
    created_at: datetime
    updated_at: datetime


class ContactFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search name, kana, email")
    account_id: RowId | None = None
    role: ContactRole | None = None
    email: str | None = None
