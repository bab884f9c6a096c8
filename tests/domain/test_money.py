from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.money import Money, minor_digits, parse_amount
from kasasu.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥1,000", Money("JPY", 1000)),
        ("1,000円", Money("JPY", 1000)),
        ("1,000", Money("JPY", 1000)),
        ("￥１，２００", Money("JPY", 1200)),  # full-width, as Japanese Excel writes it
        ("USD 12.50", Money("USD", 1250)),
        ("$0.99", Money("USD", 99)),
        ("  300000 ", Money("JPY", 300000)),
    ],
)
def test_amounts_as_spreadsheets_write_them(text: str, expected: Money) -> None:
    assert parse_amount(text, "JPY") == expected


@pytest.mark.parametrize("text", ["abc", "1,000.5円", "¥", "1.2.3", "USD 1.234"])
def test_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(text, "JPY")


def test_minor_units_follow_iso_4217() -> None:
    assert (minor_digits("JPY"), minor_digits("USD"), minor_digits("KWD")) == (0, 2, 3)


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_yen_round_trips(amount: int) -> None:
    assert parse_amount(f"¥{amount:,}", "USD") == Money("JPY", amount)
    assert parse_amount(f"{amount:,}円", "USD") == Money("JPY", amount)


@given(st.integers(min_value=0, max_value=10**12))
def test_dollars_and_cents_round_trip(cents: int) -> None:
    text = f"USD {cents // 100:,}.{cents % 100:02d}"
    assert parse_amount(text, "JPY") == Money("USD", cents)


def test_adding_different_currencies_is_refused() -> None:
    assert Money("JPY", 1) + Money("JPY", 2) == Money("JPY", 3)
    with pytest.raises(InvalidInput):
        _ = Money("JPY", 1) + Money("USD", 1)
