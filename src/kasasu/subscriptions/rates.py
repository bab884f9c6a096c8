"""Exchange rates (為替レート): recorded one day at a time, from the API or a file import.

A rate says what 1 unit of ``currency`` is worth in ``quote_currency`` on ``day``; the MRR of
a line in ``currency`` uses the latest rate on or before each day (``kasasu.domain.mrr``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.service import UpsertResult
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.models import ExchangeRate
from kasasu.subscriptions.repository import ExchangeRateRepository
from kasasu.subscriptions.schemas import ExchangeRateCreate, ExchangeRateRead

MAX_LISTED = 1_000


def exchange_rate_errors(values: Mapping[str, Any]) -> list[FieldError]:
    """A rate converts between two different currencies; shared with the import's checks."""
    currency, quote = values.get("currency"), values.get("quote_currency")
    if currency and currency == quote:
        return [
            FieldError(
                ("body", "quote_currency"),
                _("A rate converts {code} into another currency", code=currency),
                quote,
            )
        ]
    return []


def save_exchange_rate(session: Session, data: ExchangeRateCreate) -> ExchangeRateRead:
    """Record (or correct) one day's rate; re-sending the same rate changes nothing."""
    errors = exchange_rate_errors(data.model_dump())
    if errors:
        raise InvalidInput(errors[0].message, errors)
    repo = ExchangeRateRepository(session)
    row = repo.get_for(data.day, data.currency, data.quote_currency)
    if row is None:
        row = repo.add(ExchangeRate(**data.model_dump()))
    elif row.rate != data.rate:
        row.rate = data.rate
        session.flush()
    return ExchangeRateRead.model_validate(row)


def save_exchange_rates(session: Session, rows: Sequence[Mapping[str, Any]]) -> UpsertResult:
    """Record many checked rates (``ExchangeRateCreate`` dumps) in bulk, keyed by day and
    currency pair: a new pair-day is created, a different rate replaces the stored one."""
    repo = ExchangeRateRepository(session)
    keys = [(r["day"], r["currency"], r["quote_currency"]) for r in rows]
    stored = repo.get_many(keys)
    created, updated, unchanged = [], 0, 0
    for key, values in zip(keys, rows, strict=True):
        row = stored.get(key)
        if row is None:
            created.append(ExchangeRate(**values))
        elif row.rate != values["rate"]:
            row.rate, updated = values["rate"], updated + 1
        else:
            unchanged += 1
    repo.add_all(created)
    session.flush()
    return UpsertResult(len(created), updated, unchanged)


def list_exchange_rates(
    session: Session,
    *,
    currency: str | None = None,
    quote_currency: str | None = None,
    limit: int = MAX_LISTED,
) -> list[ExchangeRateRead]:
    """The rates newest first (at most ``limit``), optionally of one currency pair."""
    rows = ExchangeRateRepository(session).list_rates(
        currency, quote_currency, min(limit, MAX_LISTED)
    )
    return [ExchangeRateRead.model_validate(r) for r in rows]
