from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    RenewalOutcome,
    SubscriptionStatus,
)
from kasasu.kit.types import (
    INPUT_CONFIG,
    MAX_INTEGER,
    READ_CONFIG,
    CurrencyCode,
    Day,
    ExternalId,
    LongText,
    RowId,
)

Label = Annotated[str, Field(min_length=1, max_length=100)]
MinorUnits = Annotated[int, Field(ge=0, description="Price per billing interval in minor units")]
Seats = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
Term = Annotated[int, Field(ge=1, le=120, description="Contract term in months (契約期間)")]


class SubscriptionCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    product: Label
    plan: Label | None = None
    seats: Seats | None = None
    amount: MinorUnits
    currency: CurrencyCode
    billing_interval: BillingInterval = BillingInterval.MONTH
    start_date: Day
    end_date: Day | None = Field(default=None, description="Last day of the term, inclusive")
    term_months: Term | None = None
    auto_renew: bool = True
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    cancelled_on: Day | None = None
    cancel_reason: CancellationReason | None = None
    cancel_comment: LongText | None = None


class SubscriptionUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    product: Label | None = None
    plan: Label | None = None
    seats: Seats | None = None
    amount: MinorUnits | None = None
    currency: CurrencyCode | None = None
    billing_interval: BillingInterval | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    term_months: Term | None = None
    auto_renew: bool | None = None
    status: SubscriptionStatus | None = None
    cancelled_on: Day | None = None
    cancel_reason: CancellationReason | None = None
    cancel_comment: LongText | None = None


class SubscriptionRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    product: str
    plan: str | None
    seats: int | None
    amount: int
    currency: str
    billing_interval: BillingInterval
    start_date: Day
    end_date: Day | None
    term_months: int | None
    auto_renew: bool
    status: SubscriptionStatus
    cancelled_on: Day | None
    cancel_reason: CancellationReason | None
    cancel_comment: str | None
    created_at: datetime
    updated_at: datetime


class SubscriptionFilter(BaseModel):
    model_config = INPUT_CONFIG

    account_id: RowId | None = None
    product: str | None = None
    plan: str | None = None
    status: SubscriptionStatus | None = None
    currency: str | None = None
    cancel_reason: CancellationReason | None = None
    end_date_from: Day | None = Field(default=None, description="Renewal/end on or after")
    end_date_to: Day | None = Field(default=None, description="Renewal/end on or before")


class ExchangeRateCreate(BaseModel):
    model_config = INPUT_CONFIG

    day: Day
    currency: CurrencyCode
    quote_currency: CurrencyCode
    rate: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=10)]


class ExchangeRateRead(BaseModel):
    """1 ``currency`` = ``rate`` ``quote_currency`` on ``day`` (used until the next rate)."""

    model_config = READ_CONFIG

    id: int
    day: Day
    currency: str
    quote_currency: str
    rate: Decimal


class RenewalCreate(BaseModel):
    """What came of a line's renewal date (the last day of its term); a churn needs its
    reason, an expansion or a contraction the new price (and seats, if they changed)."""

    model_config = INPUT_CONFIG

    subscription_id: RowId
    renewal_date: Day
    outcome: RenewalOutcome
    reason: CancellationReason | None = None
    comment: LongText | None = None
    amount: MinorUnits | None = Field(
        default=None, description="Expanded or contracted: the new price per billing interval"
    )
    seats: Seats | None = None
    decided_by: RowId | None = None


class RenewalRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    subscription_id: int
    renewal_date: Day
    outcome: RenewalOutcome
    reason: CancellationReason | None
    comment: str | None
    decided_by: int | None
    decided_at: datetime
    new_subscription_id: int | None
