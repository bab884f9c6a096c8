"""People who use Kasasu, and the API keys that act for scripts and integrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import Role
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    # One Kasasu user per identity at an OpenID Connect provider (single sign-on).
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Who the user is at the single sign-on provider: its issuer URL and the ``sub`` claim,
    # linked at the first sign-in (by verified email) and trusted alone from then on.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    # A web session carries the generation it was signed in with; signing out, changing the
    # password or deactivating the user bumps it, which ends every session of the user.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # How many accounts the ownership rules may give this CSM (None: no limit).
    account_capacity: Mapped[int | None]


class ApiKey(IdMixin, TimestampMixin, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of a 256-bit random key: no salt or slow hash is needed for keys this strong.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    # Space-separated scopes ("read", "write", "admin", "accounts:write" ...); None: the role's.
    scopes: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    last_used_from: Mapped[str | None] = mapped_column(String(45))  # an IPv4 or IPv6 address
    revoked_at: Mapped[datetime | None]


class SavedView(IdMixin, TimestampMixin, Base):
    """A user's named filters of a list page (e.g. "red accounts renewing in 90 days")."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "page", "name"),)

    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))  # the list's query string
