from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr

from kasasu.domain.choices import Role
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, Name


class UserCreate(BaseModel):
    model_config = INPUT_CONFIG

    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]
    name: Name
    role: Role
    password: SecretStr | None = None
    locale: str | None = None
    timezone: str | None = None


class UserRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    email: str
    name: str
    role: Role
    locale: str | None
    timezone: str | None
    is_active: bool
    created_at: datetime


class ApiKeyCreate(BaseModel):
    model_config = INPUT_CONFIG

    name: Name
    role: Role
    user_id: int | None = None


class ApiKeyRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    """Returned once, at creation: the only time the plain key is shown."""

    key: str
