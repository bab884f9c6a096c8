"""The sales pipeline before a customer is one (The Model): leads from marketing, and deals
(opportunities, 商談) that inside and field sales work until they are won or lost."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import DealKind, DealStage
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    MoneyAmount,
    TimestampMixin,
    UTCDateTime,
    enum_column,
    utcnow,
)


class Lead(IdMixin, Base):
    """Someone who showed interest: from a marketing channel (``source``), qualified when it
    became an opportunity, linked to its account once it is a customer."""

    __tablename__ = "leads"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    company_name: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    source: Mapped[str | None] = mapped_column(String(100))  # the marketing channel, as written
    # When the lead came in, as the CRM says (not when Kasasu stored it): its funnel cohort.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    qualified_at: Mapped[datetime | None]  # when it became an opportunity (商談化)
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Deal(IdMixin, TimestampMixin, Base):
    """An opportunity: its stage, amount and the days it was opened and closed."""

    __tablename__ = "deals"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    stage: Mapped[DealStage] = mapped_column(enum_column(DealStage))
    amount: Mapped[int | None] = mapped_column(MoneyAmount)  # minor units of ``currency``
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[DealKind] = mapped_column(enum_column(DealKind))
    created_on: Mapped[date]
    closed_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
