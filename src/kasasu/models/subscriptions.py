"""Contract lines (契約) and the exchange rates that bring them to one currency."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    ForecastStatus,
    RenewalOutcome,
    SubscriptionStatus,
)
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
    # The last day of the current term (inclusive: 契約終了日/更新日); renews the day after.
    end_date: Mapped[date | None] = mapped_column(index=True)  # the renewal board's window
    # The contract term (契約期間) in months; none: one billing interval (a monthly line
    # renews every month, so it is a billing cycle, not a renewal to manage).
    term_months: Mapped[int | None]
    auto_renew: Mapped[bool] = mapped_column(default=True)
    status: Mapped[SubscriptionStatus] = mapped_column(enum_column(SubscriptionStatus))
    cancelled_on: Mapped[date | None]  # the last day of service, inclusive (解約日)
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


class Renewal(IdMixin, Base):
    """What came of a contract line's renewal date (更新管理), as the CSM recorded it."""

    __tablename__ = "renewals"
    __table_args__ = (UniqueConstraint("subscription_id", "renewal_date"),)

    subscription_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    renewal_date: Mapped[date]
    outcome: Mapped[RenewalOutcome] = mapped_column(enum_column(RenewalOutcome))
    reason: Mapped[CancellationReason | None] = mapped_column(enum_column(CancellationReason))
    comment: Mapped[str | None]
    decided_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # An expansion or contraction opens a new version of the line from the day after the
    # renewal date; kept so that changing the outcome can take that version back.
    new_subscription_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("subscriptions.id", ondelete="SET NULL")
    )


class RenewalForecast(IdMixin, Base):
    """A CSM's forecast call on a renewal, each change a row: the latest one made before a
    day is the call as it stood that day (the renewal forecast's backtest replays them).
    A row without a status takes the call back (the model's odds count again)."""

    __tablename__ = "renewal_forecasts"
    __table_args__ = (Index("ix_renewal_forecasts_line_day", "subscription_id", "renewal_date"),)

    subscription_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    renewal_date: Mapped[date]
    status: Mapped[ForecastStatus | None] = mapped_column(enum_column(ForecastStatus))
    comment: Mapped[str | None]
    set_by: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
