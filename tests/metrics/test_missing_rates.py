"""A contract in a currency with no exchange rate is reported with the KPIs, never dropped
silently: by the service, the API and the dashboard (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts
from kasasu.domain.choices import BillingInterval
from kasasu.metrics.schemas import MetricQuery, MissingRates
from kasasu.metrics.service import compute_metrics, explain_metric, missing_rates
from kasasu.subscriptions.schemas import ExchangeRateCreate, SubscriptionCreate
from kasasu.subscriptions.service import set_exchange_rate, subscriptions

QUERY = MetricQuery(("mrr_movements",), date(2026, 1, 1), date(2026, 3, 1))


def add_yen_and_dollars(session: Session) -> None:
    """¥100,000 a month, and $1,200.00 a year ($100.00 = 10,000 ¢ a month) from December
    2025; the first dollar rate (¥150) is of 15 February 2026."""
    for n, (amount, currency, interval) in enumerate(
        [(100_000, "JPY", "month"), (120_000, "USD", "year")]
    ):
        account = accounts.create(session, AccountCreate(external_id=f"M{n}", name=f"M{n}"))
        line = SubscriptionCreate(
            account_id=account.id,
            product="Core",
            amount=amount,
            currency=currency,
            billing_interval=BillingInterval(interval),
            start_date=date(2025, 12, 1),
        )
        subscriptions.create(session, line)
    rate = ExchangeRateCreate(
        day=date(2026, 2, 15), currency="USD", quote_currency="JPY", rate=Decimal(150)
    )
    set_exchange_rate(session, rate)


def test_the_kpis_say_which_periods_miss_a_rate_and_how_much(session: Session) -> None:
    add_yen_and_dollars(session)
    values = compute_metrics(session, QUERY)
    # January reads 31 Dec and 31 Jan, February 31 Jan and 28 Feb: no rate on 31 Jan.
    assert [(v.period, v.value, v.missing_rates) for v in values] == [
        ("2026-01", 100_000, {"USD": 10_000}),
        ("2026-02", 115_000, {"USD": 10_000}),  # 10,000 ¢ × ¥1.5 = ¥15,000 from February
        ("2026-03", 115_000, {}),
    ]
    missing = missing_rates(values, "JPY")
    assert missing == MissingRates("JPY", {"USD": 10_000}, ("2026-01", "2026-02"))
    assert missing.message().render("en") == (
        "No exchange rate to JPY for part of the MRR: $100.00 (largest in a period; periods "
        "2026-01, 2026-02). The figures leave it out."
    )
    ja = missing.message().render("ja")
    assert "為替レートがありません" in ja
    assert "$100.00" in ja
    explained = explain_metric(session, "mrr_movements", date(2026, 1, 1), QUERY)
    assert explained.missing_rates == {"USD": 10_000}


def test_yen_only_figures_report_nothing(session: Session) -> None:
    account = accounts.create(session, AccountCreate(external_id="Y", name="Y"))
    line = SubscriptionCreate(
        account_id=account.id,
        product="Core",
        amount=5_000,
        currency="JPY",
        start_date=date(2025, 12, 1),
    )
    subscriptions.create(session, line)
    values = compute_metrics(session, QUERY)
    assert missing_rates(values, "JPY") is None


def test_the_api_answers_with_the_missing_amounts(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_yen_and_dollars(s)
        s.commit()
    got = admin_api.get("/metrics/mrr_movements", params={"from": "2026-01", "to": "2026-03"})
    assert got.status_code == 200, got.text
    assert [v["missing_rates"] for v in got.json()] == [{"USD": 10_000}, {"USD": 10_000}, {}]
    posted = admin_api.post(
        "/exchange-rates", json={"day": "2026-01-31", "currency": "USD", "rate": "149.5"}
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["quote_currency"] == "JPY"
    got = admin_api.get("/metrics/mrr_movements", params={"from": "2026-01", "to": "2026-03"})
    # 10,000 ¢ × ¥1.495 = ¥14,950 on 31 January; December still has no rate.
    assert [(v["value"], v["missing_rates"]) for v in got.json()] == [
        (114_950, {"USD": 10_000}),
        (115_000, {}),
        (115_000, {}),
    ]
