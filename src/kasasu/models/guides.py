"""In-app guides (テックタッチ): the environments a product's SDK sends from, the guides it
shows there, and who saw them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import GuideKind
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    enum_column,
)


class SdkEnvironment(IdMixin, TimestampMixin, Base):
    """Where a product embeds the SDK (production, staging…): its public key (in the page),
    its secret (on the product's server, to sign identities) and the origins it runs on."""

    __tablename__ = "sdk_environments"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(128))  # HMAC needs it, so it is kept as is
    origins: Mapped[list[str]] = mapped_column(JSONType)
    enabled: Mapped[bool] = mapped_column(default=True)


class Guide(IdMixin, TimestampMixin, Base):
    """A tooltip, walkthrough, announcement, checklist or micro-survey shown in the product's
    pages by the SDK. ``draft`` is what its author is editing; what users see is the
    published version (``GuideVersion``), so an edit never reaches them half-done."""

    __tablename__ = "guides"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[GuideKind] = mapped_column(enum_column(GuideKind))
    environment_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("sdk_environments.id", ondelete="CASCADE"), index=True
    )
    draft: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_version: Mapped[int | None]
    # Paused: the published version stays, nobody sees it until it is resumed.
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())


class GuideVersion(IdMixin, Base):
    __tablename__ = "guide_versions"
    __table_args__ = (UniqueConstraint("guide_id", "version"),)

    guide_id: Mapped[int] = mapped_column(IdType, ForeignKey("guides.id", ondelete="CASCADE"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )


class GuideViewer(IdMixin, Base):
    """One user's history with one guide: what the frequency caps and the report read."""

    __tablename__ = "guide_viewers"
    __table_args__ = (UniqueConstraint("guide_id", "account_id", "user_key"),)

    guide_id: Mapped[int] = mapped_column(IdType, ForeignKey("guides.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_key: Mapped[str] = mapped_column(String(200))
    shows: Mapped[int] = mapped_column(default=0)
    first_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    steps_done: Mapped[int] = mapped_column(default=0)  # the furthest step completed
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ids of the script's events taken (a few per user and guide): a batch the script
    # sends again is not counted twice.
    taken: Mapped[list[str]] = mapped_column(JSONType, default=list)


class SdkVisitor(IdMixin, Base):
    """A user of the product as the SDK saw them: their visits (first / N-th visit
    targeting) and their role trait."""

    __tablename__ = "sdk_visitors"
    __table_args__ = (UniqueConstraint("environment_id", "account_id", "user_key"),)

    environment_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("sdk_environments.id", ondelete="CASCADE")
    )
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_key: Mapped[str] = mapped_column(String(200))
    visits: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GuideAssignment(IdMixin, Base):
    """An account a playbook asked to show a guide to (``show_guide`` / ``announce``): a
    guide targeted at assigned accounts shows only to these, until ``until``."""

    __tablename__ = "guide_assignments"
    __table_args__ = (UniqueConstraint("guide_id", "account_id"),)

    guide_id: Mapped[int] = mapped_column(IdType, ForeignKey("guides.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
