"""One MRR rule, three ways to run it: the domain function (Python), the Ibis expression of the
analytics (DuckDB and PostgreSQL) and the SQL of the pages (SQLite and PostgreSQL) give the
same integers for any amounts, billing intervals and rates (Hypothesis)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kasasu.analytics import revenue
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.sources import TABLES, Sources
from kasasu.domain.mrr import currency_scales, fx_factor, line_mrr
from kasasu.models import Account, ExchangeRate, Subscription
from kasasu.subscriptions.mrr import mrr_of_lines
from kasasu.warehouse.facts import COLUMNS, fact_schema

DAY = date(2026, 6, 30)
CURRENCIES = ("JPY", "USD", "EUR", "KWD")
LINE = st.tuples(
    st.integers(0, 10**9),
    st.sampled_from(["month", "quarter", "year"]),
    st.sampled_from(CURRENCIES),
)
RATE = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal(100000), places=6, allow_nan=False
)
RATES = st.dictionaries(st.sampled_from(CURRENCIES), RATE)


def _domain(
    lines: list[tuple[int, str, str]], rates: dict[str, Decimal], reporting: str
) -> tuple[int, dict[str, int]]:
    total, missing = 0, {}
    for amount, interval, code in lines:
        if amount == 0:  # a free line is not a paying line: no MRR, and none missing
            continue
        if code == reporting or code in rates:
            total += line_mrr(amount, interval, fx_factor(rates.get(code, 1), code, reporting))
        else:
            missing[code] = missing.get(code, 0) + line_mrr(amount, interval)
    return total, missing


def _arrow(
    lines: list[tuple[int, str, str]], rates: dict[str, Decimal], reporting: str
) -> dict[str, pa.Table]:
    tables = {model.__tablename__: fact_schema(model).empty_table() for model in COLUMNS}
    subs = [
        {
            "id": n,
            "account_id": 1,
            "product": "Core",
            "amount": amount,
            "currency": code,
            "billing_interval": interval,
            "start_date": date(2026, 1, 1),
            "auto_renew": True,
            "status": "active",
        }
        for n, (amount, interval, code) in enumerate(lines, start=1)
    ]
    tables["subscriptions"] = pa.Table.from_pylist(subs, schema=tables["subscriptions"].schema)
    fx = [
        {"id": n, "day": date(2026, 6, 1), "currency": c, "quote_currency": reporting, "rate": r}
        for n, (c, r) in enumerate(sorted(rates.items()), start=1)
        if c != reporting
    ]
    tables["exchange_rates"] = pa.Table.from_pylist(fx, schema=tables["exchange_rates"].schema)
    return tables


def _ibis(con: Any, tables: dict[str, pa.Table], reporting: str) -> tuple[int, dict[str, int]]:
    suffix = uuid.uuid4().hex[:8]
    made = {
        name: con.create_table(f"{name}_{suffix}", tables[name], temp=True)
        for name in ("subscriptions", "exchange_rates")
    }
    # Only those two are read; the other sources stay empty stand-ins.
    src = Sources(**{name: made.get(name, made["exchange_rates"]) for name in TABLES})
    scales = currency_scales(CURRENCIES, reporting)
    days = revenue.on_days([DAY])
    priced = evaluate(revenue.line_mrr(src, days, reporting, scales)).to_pylist()
    missing = evaluate(revenue.missing_rates(src, days, reporting, scales)).to_pylist()
    return sum(r["mrr"] for r in priced), {r["currency"]: r["mrr"] for r in missing}


def _sql(
    session: Session, lines: list[tuple[int, str, str]], rates: dict[str, Decimal], reporting: str
) -> tuple[int, dict[str, int]]:
    session.add(Account(id=990_001, external_id="rule", name="Rule"))
    session.flush()
    ids = []
    for n, (amount, interval, code) in enumerate(lines, start=1):
        line = Subscription(
            id=990_000 + n,
            external_id=f"rule-{n}",
            account_id=990_001,
            product="Core",
            amount=amount,
            currency=code,
            billing_interval=interval,
            start_date=date(2026, 1, 1),
            status="active",
        )
        session.add(line)
        ids.append(990_000 + n)
    for code, rate in rates.items():
        if code != reporting:
            session.add(
                ExchangeRate(
                    day=date(2026, 6, 1), currency=code, quote_currency=reporting, rate=rate
                )
            )
    session.flush()
    total = mrr_of_lines(session, ids, reporting, DAY)
    return total.mrr, total.missing


@pytest.fixture(scope="module")
def duckdb_con() -> Any:
    return ibis.duckdb.connect()


@pytest.fixture(scope="module")
def postgres_con(postgresql_database: str) -> Iterator[Any]:
    url = sa.make_url(postgresql_database)
    con = ibis.postgres.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    yield con
    con.disconnect()


@settings(max_examples=15, deadline=None)
@given(
    lines=st.lists(LINE, min_size=1, max_size=8),
    rates=RATES,
    reporting=st.sampled_from(["JPY", "USD"]),
)
def test_the_ibis_expression_follows_the_domain_rule_on_duckdb_and_postgresql(
    duckdb_con: Any,
    postgres_con: Any,
    lines: list[tuple[int, str, str]],
    rates: dict[str, Decimal],
    reporting: str,
) -> None:
    expected = _domain(lines, rates, reporting)
    tables = _arrow(lines, rates, reporting)
    assert _ibis(duckdb_con, tables, reporting) == expected
    assert _ibis(postgres_con, tables, reporting) == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(LINE, min_size=1, max_size=8),
    rates=RATES,
    reporting=st.sampled_from(["JPY", "USD"]),
)
def test_the_sql_follows_the_domain_rule_on_sqlite_and_postgresql(
    session: Session,
    lines: list[tuple[int, str, str]],
    rates: dict[str, Decimal],
    reporting: str,
) -> None:
    with session.begin_nested() as savepoint:
        assert _sql(session, lines, rates, reporting) == _domain(lines, rates, reporting)
        savepoint.rollback()
