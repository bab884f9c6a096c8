from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
from kasasu.db.service import CrudService
from kasasu.domain.choices import SubscriptionStatus
from kasasu.domain.money import is_currency
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import ExchangeRate, Renewal, Subscription
from kasasu.subscriptions.repository import (
    ExchangeRateRepository,
    RenewalRepository,
    SubscriptionRepository,
)
from kasasu.subscriptions.schemas import (
    ExchangeRateCreate,
    RenewalRead,
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
    references = {"account_id": AccountRepository}
    external_id_prefix = "sub"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return subscription_errors(values)


subscriptions = SubscriptionService()


def set_exchange_rate(session: Session, data: ExchangeRateCreate) -> None:
    """Record (or correct) one day's rate; re-sending the same rate changes nothing."""
    repo = ExchangeRateRepository(session)
    row = repo.get_for(data.day, data.currency, data.quote_currency)
    if row is None:
        repo.add(ExchangeRate(**data.model_dump()))
    elif row.rate != data.rate:
        row.rate = data.rate
        session.flush()


def renewals_due(
    session: Session, first: date, last: date, limit: int = 500
) -> list[tuple[SubscriptionRead, RenewalRead | None]]:
    """Contract lines renewing in [first, last] with what was recorded for that date."""
    lines = SubscriptionRepository(session).renewing(first, last, limit)
    keys = [(line.id, line.end_date) for line in lines if line.end_date is not None]
    recorded = RenewalRepository(session).for_lines(keys)
    return [
        (
            SubscriptionRead.model_validate(line),
            _renewal_read(recorded.get((line.id, line.end_date))) if line.end_date else None,
        )
        for line in lines
    ]


def _renewal_read(row: Renewal | None) -> RenewalRead | None:
    return RenewalRead.model_validate(row) if row is not None else None
