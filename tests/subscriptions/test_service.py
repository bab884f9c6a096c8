from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.models import ExchangeRate
from kasasu.subscriptions.schemas import ExchangeRateCreate
from kasasu.subscriptions.service import set_exchange_rate, subscription_errors


def test_an_exchange_rate_is_recorded_once_per_day_and_pair(session: Session) -> None:
    day = date(2026, 11, 1)
    set_exchange_rate(
        session,
        ExchangeRateCreate(day=day, currency="USD", quote_currency="JPY", rate=Decimal("151.23")),
    )
    set_exchange_rate(
        session,
        ExchangeRateCreate(day=day, currency="USD", quote_currency="JPY", rate=Decimal("151.23")),
    )
    set_exchange_rate(
        session,
        ExchangeRateCreate(day=day, currency="USD", quote_currency="JPY", rate=Decimal("150.5")),
    )
    rows = session.scalars(select(ExchangeRate).where(ExchangeRate.currency == "USD")).all()
    assert [(r.day, r.quote_currency, r.rate) for r in rows] == [(day, "JPY", Decimal("150.5"))]


def test_contract_dates_and_status_agree() -> None:
    start = date(2026, 4, 1)
    assert (
        subscription_errors({"currency": "JPY", "start_date": start, "end_date": date(2027, 3, 31)})
        == []
    )
    locs = [
        e.loc[-1]
        for e in subscription_errors(
            {
                "currency": "ZZZ",
                "start_date": start,
                "end_date": date(2026, 3, 1),
                "cancelled_on": date(2026, 1, 1),
                "status": "cancelled",
            }
        )
    ]
    assert locs == ["currency", "end_date", "cancelled_on"]
    missing = subscription_errors({"start_date": start, "status": "cancelled"})
    assert [e.loc[-1] for e in missing] == ["cancelled_on"]
