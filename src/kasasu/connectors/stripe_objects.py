"""Stripe's objects as Kasasu reads them, whichever API version sent them.

Only what the contract lines, the accounts and the payment issues need is read. Since API
version 2025-03-31 the current period sits on each subscription item and an invoice names
its subscription under ``parent.subscription_details``; older versions have them at the
top: both are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kasasu.domain.choices import BillingInterval, CancellationReason

# Stripe's cancellation feedback (cancellation_details.feedback) as Kasasu's reasons.
FEEDBACK_REASONS = {
    "too_expensive": CancellationReason.PRICE,
    "missing_features": CancellationReason.MISSING_FEATURES,
    "switched_service": CancellationReason.COMPETITOR,
    "customer_service": CancellationReason.SUPPORT_QUALITY,
    "too_complex": CancellationReason.HARD_TO_USE,
    "low_quality": CancellationReason.OTHER,
    "unused": CancellationReason.OTHER,
    "other": CancellationReason.OTHER,
}
# (interval, interval_count) of a recurring price → Kasasu's billing interval.
INTERVALS = {
    ("month", 1): BillingInterval.MONTH,
    ("month", 3): BillingInterval.QUARTER,
    ("month", 12): BillingInterval.YEAR,
    ("year", 1): BillingInterval.YEAR,
}


class UnsupportedObject(ValueError):
    """An object Kasasu cannot turn into a contract line (a tiered price, a weekly one)."""


@dataclass(frozen=True)
class Terms:
    """What one subscription item is: its price for a billing interval, for its seats."""

    product: str
    plan: str
    seats: int
    amount: int  # unit amount × quantity, in the currency's minor unit (as Stripe's)
    currency: str
    interval: BillingInterval


@dataclass(frozen=True)
class Item:
    id: str
    terms: Terms | None  # None: the price cannot be a contract line (``problem`` says why)
    problem: str | None
    period_end: datetime | None


@dataclass(frozen=True)
class StripeSubscription:
    id: str
    customer: str
    status: str  # trialing, active, past_due, unpaid, canceled, incomplete, …
    items: tuple[Item, ...]
    start: datetime
    trial_end: datetime | None
    period_end: datetime | None
    cancel_at_period_end: bool
    cancel_at: datetime | None
    ended_at: datetime | None
    reason: CancellationReason | None
    comment: str | None

    @property
    def trialing(self) -> bool:
        return self.status == "trialing"

    @property
    def ends_at(self) -> datetime | None:
        """When service stops: it has, or it is set to at the end of the period."""
        if self.status in ("canceled", "incomplete_expired"):
            return self.ended_at or self.cancel_at or self.period_end
        if self.cancel_at is not None:
            return self.cancel_at
        return self.period_end if self.cancel_at_period_end else None


@dataclass(frozen=True)
class StripeCustomer:
    id: str
    name: str | None
    email: str | None
    account_ref: str | None  # metadata.kasasu_account: the Kasasu account's external id
    deleted: bool


@dataclass(frozen=True)
class StripeInvoice:
    id: str
    customer: str
    subscription: str | None
    status: str  # draft, open, paid, void, uncollectible
    currency: str
    amount_due: int
    amount_paid: int
    created: datetime
    paid_at: datetime | None


def instant(value: Any) -> datetime | None:
    """A Unix timestamp of Stripe's as an aware UTC instant."""
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def _id(value: Any) -> str:
    """An id, or the id of an expanded object."""
    return str(value["id"] if isinstance(value, dict) else value)


def _item(raw: dict[str, Any]) -> Item:
    price = raw.get("price") or raw.get("plan") or {}
    recurring = price.get("recurring") or {
        "interval": price.get("interval"),
        "interval_count": price.get("interval_count", 1),
    }
    unit = price.get("unit_amount", price.get("amount"))
    every = (str(recurring.get("interval")), int(recurring.get("interval_count") or 1))
    interval = INTERVALS.get(every)
    product = price.get("product")
    name = product.get("name") if isinstance(product, dict) else None
    period_end = instant(raw.get("current_period_end"))
    if unit is None or interval is None:
        problem = "per-unit price" if unit is None else "billing interval"
        return Item(str(raw["id"]), None, problem, period_end)
    quantity = int(raw.get("quantity") or 1)
    terms = Terms(
        product=name or (_id(product) if product else str(price.get("id"))),
        plan=str(price.get("nickname") or price.get("id")),
        seats=quantity,
        amount=int(unit) * quantity,
        currency=str(price["currency"]).upper(),
        interval=interval,
    )
    return Item(str(raw["id"]), terms, None, period_end)


def subscription(raw: dict[str, Any]) -> StripeSubscription:
    items = tuple(_item(i) for i in (raw.get("items") or {}).get("data", []))
    ends = [i.period_end for i in items if i.period_end is not None]
    details = raw.get("cancellation_details") or {}
    start = instant(raw.get("start_date") or raw.get("created"))
    if start is None:
        raise UnsupportedObject("start_date")
    return StripeSubscription(
        id=str(raw["id"]),
        customer=_id(raw["customer"]),
        status=str(raw["status"]),
        items=items,
        start=start,
        trial_end=instant(raw.get("trial_end")),
        period_end=instant(raw.get("current_period_end")) or (max(ends) if ends else None),
        cancel_at_period_end=bool(raw.get("cancel_at_period_end")),
        cancel_at=instant(raw.get("cancel_at")),
        ended_at=instant(raw.get("ended_at") or raw.get("canceled_at")),
        reason=FEEDBACK_REASONS.get(details.get("feedback") or ""),
        comment=details.get("comment") or None,
    )


def customer(raw: dict[str, Any]) -> StripeCustomer:
    metadata = raw.get("metadata") or {}
    return StripeCustomer(
        id=str(raw["id"]),
        name=raw.get("name") or None,
        email=raw.get("email") or None,
        account_ref=metadata.get("kasasu_account") or None,
        deleted=bool(raw.get("deleted")),
    )


def invoice(raw: dict[str, Any]) -> StripeInvoice:
    parent = (raw.get("parent") or {}).get("subscription_details") or {}
    sub = raw.get("subscription") or parent.get("subscription")
    created = instant(raw.get("created"))
    if created is None:
        raise UnsupportedObject("created")
    return StripeInvoice(
        id=str(raw["id"]),
        customer=_id(raw["customer"]),
        subscription=_id(sub) if sub else None,
        status=str(raw.get("status") or "open"),
        currency=str(raw["currency"]).upper(),
        amount_due=int(raw.get("amount_due") or 0),
        amount_paid=int(raw.get("amount_paid") or 0),
        created=created,
        paid_at=instant((raw.get("status_transitions") or {}).get("paid_at")),
    )
