from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.service import CrudService
from kasasu.domain.choices import SubscriptionStatus
from kasasu.domain.money import is_currency
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Subscription
from kasasu.subscriptions.rates import save_exchange_rate
from kasasu.subscriptions.repository import SubscriptionRepository
from kasasu.subscriptions.schemas import (
    ExchangeRateCreate,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)


def subscription_errors(values: Mapping[str, Any]) -> list[FieldError]:
    """Rules across a contract line's fields; shared with the import's row checks."""
    errors = []
    currency = values.get("currency")
    if currency and not is_currency(currency):
        errors.append(
            FieldError(
                ("body", "currency"), _("Unknown currency code {code}", code=currency), currency
            )
        )
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.append(FieldError(("body", "end_date"), _("Ends before it starts"), end))
    cancelled = values.get("cancelled_on")
    if cancelled and start and cancelled < start:
        errors.append(
            FieldError(("body", "cancelled_on"), _("Cancelled before it starts"), cancelled)
        )
    if values.get("status") == SubscriptionStatus.CANCELLED and not cancelled:
        errors.append(
            FieldError(
                ("body", "cancelled_on"),
                _("A cancelled contract needs its cancellation date"),
                None,
            )
        )
    return errors


class SubscriptionService(
    CrudService[Subscription, SubscriptionCreate, SubscriptionUpdate, SubscriptionRead]
):
    repository = SubscriptionRepository
    read_schema = SubscriptionRead
    noun = _("Subscription")
    external_id_prefix = "sub"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return subscription_errors(values)


subscriptions = SubscriptionService()


def set_exchange_rate(session: Session, data: ExchangeRateCreate) -> None:
    """Record (or correct) one day's rate; re-sending the same rate changes nothing."""
    save_exchange_rate(session, data)


def churn_scheduled(session: Session, account_id: int, today: date) -> date | None:
    """The last day of service when the account is leaving: every line still running is
    cancelled, the latest ending on or after ``today``; None when a line goes on (a
    cancelled add-on beside a running plan is a contraction, not churn)."""
    lines = SubscriptionRepository(session).of_account(account_id)
    running = [
        s for s in lines if s.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)
    ]
    leaving = [
        s.cancelled_on
        for s in lines
        if s.status is SubscriptionStatus.CANCELLED and s.cancelled_on and s.cancelled_on >= today
    ]
    return max(leaving) if leaving and not running else None


def first_start(session: Session, account_id: int) -> date | None:
    """The start of the account's first contract line (None without one): the day its
    onboarding counts from."""
    starts = [s.start_date for s in SubscriptionRepository(session).of_account(account_id)]
    return min(starts, default=None)
