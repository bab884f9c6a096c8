"""MRR totals over lines in several currencies, by the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts
from kasasu.domain.choices import BillingInterval
from kasasu.models import Subscription
from kasasu.subscriptions.mrr import MrrTotal, mrr_of_lines, mrr_total
from kasasu.subscriptions.schemas import ExchangeRateCreate, SubscriptionCreate
from kasasu.subscriptions.service import set_exchange_rate, subscriptions

DAY = date(2026, 11, 20)


def _line(session: Session, account_id: int, amount: int, currency: str, interval: str) -> int:
    line = SubscriptionCreate(
        account_id=account_id,
        product="Core",
        amount=amount,
        currency=currency,
        billing_interval=BillingInterval(interval),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    return subscriptions.create(session, line).id


def _rate(session: Session, day: date, currency: str, rate: str, quote: str = "JPY") -> None:
    set_exchange_rate(
        session,
        ExchangeRateCreate(day=day, currency=currency, quote_currency=quote, rate=Decimal(rate)),
    )


def _accounts(session: Session, n: int) -> list[int]:
    return [
        accounts.create(session, AccountCreate(external_id=f"fx-{i}", name=f"FX {i}")).id
        for i in range(n)
    ]


def test_a_total_over_yen_and_dollar_lines_converts_the_dollars(session: Session) -> None:
    a, b = _accounts(session, 2)
    ids = [
        _line(session, a, 120_000, "JPY", "month"),  # ¥120,000 a month
        _line(session, a, 360_000, "JPY", "quarter"),  # ¥120,000 a month
        _line(session, b, 120_000, "USD", "year"),  # $1,200.00 a year = $100.00 a month
    ]
    _rate(session, date(2026, 10, 1), "USD", "140")  # older: not the one used
    _rate(session, date(2026, 11, 2), "USD", "150.25")  # the latest on or before DAY
    _rate(session, date(2026, 11, 21), "USD", "160")  # after DAY: not used
    total = mrr_of_lines(session, ids, "JPY", DAY)
    # $100.00 a month at ¥150.25 = ¥15,025; the renewals page used to add 120,000 + 120,000
    # + 10,000 "yen" (the dollar line's cents ÷ 12) = 250,000.
    assert total == MrrTotal("JPY", DAY, mrr=120_000 + 120_000 + 15_025, lines=3, accounts=2)


def test_a_currency_without_a_rate_is_reported_not_dropped(session: Session) -> None:
    [a] = _accounts(session, 1)
    ids = [
        _line(session, a, 50_000, "JPY", "month"),
        _line(session, a, 1_000, "EUR", "quarter"),  # €10.00 a quarter = 333.33 cents a month
        _line(session, a, 2_000, "EUR", "month"),
        _line(session, a, 999, "USD", "month"),
    ]
    _rate(session, date(2026, 12, 1), "EUR", "170")  # only after the day
    _rate(session, date(2026, 11, 1), "USD", "150", quote="EUR")  # not to JPY
    total = mrr_of_lines(session, ids, "JPY", DAY)
    assert total.mrr == 50_000
    assert total.missing == {"EUR": 333 + 2_000, "USD": 999}
    assert (total.lines, total.accounts) == (4, 1)


def test_reporting_in_dollars_scales_yen_to_cents(session: Session) -> None:
    [a] = _accounts(session, 1)
    ids = [
        _line(session, a, 15_025, "JPY", "month"),  # ¥15,025 at $0.0066 = $99.165 → 9,917 ¢
        _line(session, a, 1_001, "USD", "quarter"),  # 333.67 ¢ → 334 ¢
    ]
    _rate(session, date(2026, 11, 1), "JPY", "0.0066", quote="USD")
    total = mrr_of_lines(session, ids, "USD", DAY)
    assert (total.mrr, total.missing) == (9_917 + 334, {})


def test_no_lines_make_a_zero_total(session: Session) -> None:
    total = mrr_total(session, Subscription.id < 0, "JPY", DAY)
    assert total == MrrTotal("JPY", DAY)
