"""Health scorecards with their versions, and the dated snapshots of the daily refresh."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import TouchModel
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    enum_column,
    utcnow,
)


class Scorecard(IdMixin, TimestampMixin, Base):
    """A named scorecard; what it measures lives in its versions (the latest one is used)."""

    __tablename__ = "scorecards"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Account fields an account must match to be scored by this card; {} for any account.
    applies_to: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Cards are tried by ascending priority; the first that matches an account scores it.
    priority: Mapped[int] = mapped_column(default=100)


class ScorecardVersion(IdMixin, Base):
    __tablename__ = "scorecard_versions"
    __table_args__ = (UniqueConstraint("scorecard_id", "version"),)

    scorecard_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("scorecards.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeatureSnapshot(IdMixin, Base):
    """An account's features as of a day: what its score was computed from, and what a
    backtest rescores."""

    __tablename__ = "feature_snapshots"
    __table_args__ = (
        UniqueConstraint("account_id", "as_of"),
        Index("ix_feature_snapshots_as_of", "as_of"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    features: Mapped[dict[str, Any]] = mapped_column(JSONType)


class HealthScore(IdMixin, Base):
    """An account's health as of a day, with every measure's value, points and contribution."""

    __tablename__ = "health_scores"
    __table_args__ = (
        UniqueConstraint("account_id", "as_of"),
        Index("ix_health_scores_as_of_band", "as_of", "band"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    scorecard_version_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("scorecard_versions.id", ondelete="RESTRICT")
    )
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))  # red, yellow, green; unknown: not enough data
    # Share of the scorecard's weight that had data (0–1); below the card's minimum, no band.
    coverage: Mapped[float | None] = mapped_column(Float)
    # [{metric, value, points, weight, contribution}] in the scorecard's order.
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    touch_model: Mapped[TouchModel | None] = mapped_column(enum_column(TouchModel))
    segment: Mapped[str | None] = mapped_column(String(100))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
