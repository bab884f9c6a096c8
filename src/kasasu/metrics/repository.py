"""The queries of the KPI service that read the operational database directly."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.models import ExchangeRate, Subscription


def currencies_and_rates(session: Session, currency: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each contract currency's first contract start, and each currency's first rate day."""
    starts = session.execute(
        sa.select(Subscription.currency, sa.func.min(Subscription.start_date)).group_by(
            Subscription.currency
        )
    )
    used = {code: day for code, day in starts}  # noqa: C416 - dict(Result) reads it as a mapping
    rows = session.execute(
        sa.select(ExchangeRate.currency, sa.func.min(ExchangeRate.day))
        .where(ExchangeRate.quote_currency == currency)
        .group_by(ExchangeRate.currency)
    )
    first = {code: day for code, day in rows}  # noqa: C416 - dict(Result) reads it as a mapping
    return used, first
