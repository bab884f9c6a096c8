"""``kasasu import exchange-rates``: rates from CSV (CP932 or UTF-8) and Excel, keyed by day
and currency pair, all or nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind
from kasasu.imports.service import import_file
from kasasu.models import ExchangeRate
from tests.imports.conftest import OPTIONS
from tests.imports.helpers import excel_csv


def _rates(session: Session) -> list[tuple[date, str, str, Decimal]]:
    rows = session.scalars(select(ExchangeRate).order_by(ExchangeRate.day, ExchangeRate.currency))
    return [(r.day, r.currency, r.quote_currency, Decimal(r.rate).normalize()) for r in rows]


def test_japanese_headers_in_cp932_default_to_the_reporting_currency(session: Session) -> None:
    data = excel_csv(
        ["日付", "通貨", "レート"],
        [["2026/11/01", "USD", "150.25"], ["2026/11/01", "EUR", "１６２．５"]],
    )
    result = import_file(session, ImportKind.EXCHANGE_RATES, data, "rates.csv", OPTIONS)
    assert (result.rows, result.created) == (2, 2)
    assert _rates(session) == [
        (date(2026, 11, 1), "EUR", "JPY", Decimal("162.5")),
        (date(2026, 11, 1), "USD", "JPY", Decimal("150.25")),
    ]
    again = excel_csv(["date", "currency", "rate"], [["2026-11-01", "USD", "151"]])
    result = import_file(session, ImportKind.EXCHANGE_RATES, again, "rates.csv", OPTIONS)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert _rates(session)[1][3] == Decimal(151)


def test_an_excel_file_with_its_own_quote_currency(session: Session) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "currency", "rate", "to"])
    sheet.append([date(2026, 10, 1), "JPY", 0.0066, "USD"])
    buffer = io.BytesIO()
    book.save(buffer)
    import_file(session, ImportKind.EXCHANGE_RATES, buffer.getvalue(), "rates.xlsx", OPTIONS)
    assert _rates(session) == [(date(2026, 10, 1), "JPY", "USD", Decimal("0.0066"))]


def test_bad_rows_are_named_and_nothing_is_written(session: Session) -> None:
    data = excel_csv(
        ["日付", "通貨", "レート"],
        [
            ["2026/11/01", "USD", "150"],
            ["2026/11/02", "USD", "abc"],
            ["2026/11/01", "USD", "151"],
            ["2026/11/03", "JPY", "1"],
            ["2026/11/03", "EUR", "-2"],
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        import_file(session, ImportKind.EXCHANGE_RATES, data, "rates.csv", OPTIONS)
    found = [(e.loc, e.message.render("en")) for e in caught.value.errors]
    assert found[:3] == [
        ((3, "レート"), "Not a number: abc"),
        ((4, "日付"), "The same day, currency, quote_currency is on row 2"),
        # No quote currency column: it is the reporting currency, JPY.
        ((5, "quote_currency"), "A rate converts JPY into another currency"),
    ]
    assert found[3][0] == (6, "レート")
    assert _rates(session) == []
