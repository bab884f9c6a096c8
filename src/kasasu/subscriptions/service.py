from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.service import CrudService, UpsertResult
from kasasu.domain.choices import SubscriptionStatus
from kasasu.domain.money import is_currency
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Invoice, Subscription
from kasasu.subscriptions.rates import save_exchange_rate
from kasasu.subscriptions.repository import InvoiceRepository, SubscriptionRepository
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


def replace_versions(
    session: Session, external_ids: Iterable[str], rows: Sequence[Mapping[str, Any]]
) -> UpsertResult:
    """Make the lines ``external_ids`` and their versions (``<id>@<day>``) be ``rows``: a
    connector recomputes them whole from its source; versions no longer there go."""
    keep = {r["external_id"] for r in rows}
    repo = SubscriptionRepository(session)
    for line in repo.versions_of(external_ids):
        if line.external_id not in keep:
            session.delete(line)
    session.flush()  # a version deleted now frees its external id for the upsert
    return subscriptions.upsert_many(session, rows)


def save_invoice(session: Session, external_id: str, values: Mapping[str, Any]) -> None:
    """Insert or update the billing system's invoice ``external_id``."""
    repo = InvoiceRepository(session)
    row = repo.by_external_id(external_id)
    if row is None:
        repo.add(Invoice(external_id=external_id, **values))
        return
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()


def failing_invoices(session: Session, before: datetime) -> list[tuple[int, str, int, str]]:
    """(account id, invoice id, amount due, currency) of the payments that had failed
    before ``before`` and were not paid by then: the playbook trigger ``payment_failed``."""
    return [
        (i.account_id, i.external_id, i.amount_due, i.currency)
        for i in InvoiceRepository(session).failing(before)
    ]


def first_start(session: Session, account_id: int) -> date | None:
    """The start of the account's first contract line (None without one): the day its
    onboarding counts from."""
    starts = [s.start_date for s in SubscriptionRepository(session).of_account(account_id)]
    return min(starts, default=None)
