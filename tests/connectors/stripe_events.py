"""Stripe events built with the ``stripe`` library's own objects and signed with its own
signing helper, as Stripe sends them: one customer's subscription created, upgraded, a
payment failed, then cancelled at the end of its period."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import stripe

KEY = "sk_test_kasasu"  # never sent anywhere: the objects need one to be built
SECRET = "whsec_kasasu_test"


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def event(event_id: str, kind: str, created: str, obj: stripe.StripeObject) -> str:
    """The event's JSON as Stripe posts it."""
    values = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-03-31.basil",
        "type": kind,
        "created": ts(created),
        "livemode": False,
        "data": {"object": obj},
    }
    return str(stripe.Event.construct_from(values, KEY))


def signed(payload: str, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, at if at is not None else int(time.time())
    )
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


def customer(name: str, email: str, **extra: Any) -> stripe.Customer:
    values = {"id": "cus_A", "object": "customer", "name": name, "email": email, "metadata": {}}
    return stripe.Customer.construct_from({**values, **extra}, KEY)


def subscription(
    quantity: int, period_end: str, *, unit_amount: int = 10_000, **extra: Any
) -> stripe.Subscription:
    price = {
        "id": "price_pro",
        "object": "price",
        "nickname": "Pro",
        "product": "prod_kasasu",
        "unit_amount": unit_amount,
        "currency": "jpy",
        "recurring": {"interval": "month", "interval_count": 1},
    }
    item = {
        "id": "si_A",
        "object": "subscription_item",
        "quantity": quantity,
        "price": price,
        "current_period_start": ts("2026-01-10T10:00:00+09:00"),
        "current_period_end": ts(period_end),
    }
    values = {
        "id": "sub_A",
        "object": "subscription",
        "customer": "cus_A",
        "status": "active",
        "start_date": ts("2026-01-10T10:00:00+09:00"),
        "created": ts("2026-01-10T10:00:00+09:00"),
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "trial_end": None,
        "items": {"object": "list", "data": [item]},
    }
    return stripe.Subscription.construct_from({**values, **extra}, KEY)


def invoice(status: str, **extra: Any) -> stripe.Invoice:
    values = {
        "id": "in_A",
        "object": "invoice",
        "customer": "cus_A",
        "parent": {"subscription_details": {"subscription": "sub_A"}},
        "status": status,
        "currency": "jpy",
        "amount_due": 80_000,
        "amount_paid": 0,
        "attempt_count": 1,
        "created": ts("2026-04-10T10:00:00+09:00"),
        "status_transitions": {"paid_at": None},
    }
    return stripe.Invoice.construct_from({**values, **extra}, KEY)


CANCELLED_AT_PERIOD_END = {
    "cancel_at_period_end": True,
    "cancel_at": ts("2026-05-10T10:00:00+09:00"),
    "cancellation_details": {"feedback": "too_expensive", "comment": "予算削減"},
}


def story() -> dict[str, str]:
    """The five events by id (Tokyo times)."""
    return {
        "evt_1": event(
            "evt_1",
            "customer.created",
            "2026-01-10T09:00:00+09:00",
            customer("アクメ株式会社", "billing@acme.example"),
        ),
        "evt_2": event(
            "evt_2",
            "customer.subscription.created",
            "2026-01-10T10:00:00+09:00",
            subscription(5, "2026-02-10T10:00:00+09:00"),
        ),
        "evt_3": event(
            "evt_3",
            "customer.subscription.updated",
            "2026-03-15T11:00:00+09:00",
            subscription(8, "2026-04-10T10:00:00+09:00"),
        ),
        "evt_4": event(
            "evt_4",
            "invoice.payment_failed",
            "2026-04-10T10:05:00+09:00",
            invoice("open"),
        ),
        "evt_5": event(
            "evt_5",
            "customer.subscription.updated",
            "2026-04-20T15:00:00+09:00",
            subscription(8, "2026-05-10T10:00:00+09:00", **CANCELLED_AT_PERIOD_END),
        ),
    }


def sqlite_rows(data: Path, sql: str) -> list[tuple[object, ...]]:
    """``sql``'s rows from the SQLite database of the data directory ``data``."""
    engine = sa.create_engine(f"sqlite:///{data}/kasasu.db")
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(sql))]
    finally:
        engine.dispose()
