"""Contract lines (契約) and the exchange rates that bring them to one currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import BillingInterval, CancellationReason, SubscriptionStatus
from kasasu.models.base import Base, IdMixin, IdType, MoneyAmount, TimestampMixin, enum_column


class Subscription(IdMixin, TimestampMixin, Base):
    __tablename__ = "subscriptions"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(100))
    plan: Mapped[str | None] = mapped_column(String(100))
    seats: Mapped[int | None]
    # The price per billing interval, in the currency's minor unit (JPY has none).
    amount: Mapped[int] = mapped_column(MoneyAmount)
    currency: Mapped[str] = mapped_column(String(3))
    billing_interval: Mapped[BillingInterval] = mapped_column(enum_column(BillingInterval))
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # renewal date, or the end of a fixed term
    auto_renew: Mapped[bool] = mapped_column(default=True)
    status: Mapped[SubscriptionStatus] = mapped_column(enum_column(SubscriptionStatus))
    cancelled_on: Mapped[date | None]
    cancel_reason: Mapped[CancellationReason | None] = mapped_column(
        enum_column(CancellationReason)
    )
    cancel_comment: Mapped[str | None]


class ExchangeRate(IdMixin, Base):
    """1 unit of ``currency`` is worth ``rate`` units of ``quote_currency`` on ``day``."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("day", "currency", "quote_currency"),)

    day: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    quote_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
