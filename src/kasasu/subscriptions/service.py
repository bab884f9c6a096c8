from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
from kasasu.db.service import CrudService
from kasasu.domain.choices import RenewalOutcome, SubscriptionStatus
from kasasu.domain.money import is_currency
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.models import Renewal, Subscription
from kasasu.subscriptions.rates import save_exchange_rate
from kasasu.subscriptions.repository import RenewalRepository, SubscriptionRepository
from kasasu.subscriptions.schemas import (
    ExchangeRateCreate,
    RenewalCreate,
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
    save_exchange_rate(session, data)


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


def record_renewal(session: Session, data: RenewalCreate) -> RenewalRead:
    """Record (or change) the outcome of a line's renewal date. A churn cancels the line on
    that date with its reason, so the KPIs count it; changing a churn back un-cancels it."""
    line = SubscriptionRepository(session).get(data.subscription_id)
    if line is None:
        raise NotFound(
            _("{noun} {id} does not exist", noun=_("Subscription"), id=data.subscription_id)
        )
    churned = data.outcome is RenewalOutcome.CHURNED
    if churned and data.reason is None:
        raise InvalidInput(
            _("A churn needs its reason"),
            [FieldError(("body", "reason"), _("Required"), None)],
        )
    repo = RenewalRepository(session)
    row = repo.for_lines([(line.id, data.renewal_date)]).get((line.id, data.renewal_date))
    if row is None:
        row = Renewal(subscription_id=line.id, renewal_date=data.renewal_date)
        session.add(row)
    row.outcome, row.reason, row.comment = data.outcome, data.reason, data.comment
    row.decided_by, row.decided_at = data.decided_by, datetime.now(UTC)
    if churned:
        line.status, line.cancelled_on, line.auto_renew = (
            SubscriptionStatus.CANCELLED,
            data.renewal_date,
            False,
        )
        line.cancel_reason, line.cancel_comment = data.reason, data.comment
    elif line.cancelled_on == data.renewal_date:
        line.status, line.cancelled_on, line.auto_renew = SubscriptionStatus.ACTIVE, None, True
        line.cancel_reason, line.cancel_comment = None, None
    session.flush()
    return RenewalRead.model_validate(row)
