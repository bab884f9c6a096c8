from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator

from kasasu.domain.choices import Role
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, Name, UTCDatetime


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
    # The web session remembers this at sign-in; a different one means the session has ended.
    session_generation: int = 0
    account_capacity: int | None = Field(
        default=None, description="Accounts the ownership rules may give this CSM (none: no limit)"
    )


class ApiKeyCreate(BaseModel):
    model_config = INPUT_CONFIG

    name: Name
    role: Role
    user_id: int | None = None
    # None: everything the role allows; else e.g. ("read",) or ("accounts:write", "read").
    scopes: tuple[str, ...] | None = None
    expires_at: UTCDatetime | None = None


class ApiKeyRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    name: str
    prefix: str
    role: Role
    scopes: tuple[str, ...] | None = None
    user_id: int | None = None
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None
    last_used_from: str | None = None
    revoked_at: datetime | None

    @field_validator("scopes", mode="before")
    @classmethod
    def _stored_scopes(cls, value: object) -> object:
        """Stored as one space-separated string."""
        return tuple(value.split()) if isinstance(value, str) else value


class ApiKeyCreated(ApiKeyRead):
    """Returned once, at creation: the only time the plain key is shown."""

    key: str


@dataclass(frozen=True)
class SsoPolicy:
    """Who may sign in through the OpenID Connect provider, and with which role."""

    issuer: str
    provider: str  # its name on the sign-in page and in messages
    roles_claim: str = "groups"  # the ID token claim holding the person's groups or roles
    role_map: Mapping[str, Role] = field(default_factory=dict)  # claim value → Kasasu role
    default_role: Role | None = None  # for a person no value maps; None refuses them
    provision: bool = False  # create a Kasasu user at the first sign-in
    email_domains: tuple[str, ...] = ()  # allowed email domains (lower case); empty: any
    require_verified_email: bool = True  # link by email only when the provider verified it


@dataclass(frozen=True)
class ProviderIdentity:
    """The claims of an ID token that the provider signed and Authlib checked."""

    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    roles: tuple[str, ...]
