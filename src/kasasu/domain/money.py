"""Money as an integer in the currency's minor unit plus its ISO 4217 code."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import Message, _

_SYMBOLS = {"¥": "JPY", "円": "JPY", "$": "USD", "€": "EUR", "£": "GBP", "US$": "USD"}


def is_currency(code: str) -> bool:
    return code in list_currencies()


def minor_digits(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (JPY 0, USD 2, KWD 3)."""
    return int(get_currency_precision(currency))


@dataclass(frozen=True, order=True)
class Money:
    currency: str
    amount: int  # in minor units

    def __post_init__(self) -> None:
        if not is_currency(self.currency):
            raise InvalidInput(_("Unknown currency code {code}", code=self.currency))

    @property
    def major(self) -> Decimal:
        return Decimal(self.amount).scaleb(-minor_digits(self.currency))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise InvalidInput(_("Cannot add {a} and {b}", a=self.currency, b=other.currency))
        return Money(self.currency, self.amount + other.amount)


def parse_amount(text: str, default_currency: str) -> Money:
    """Parse ``¥1,000``, ``1,000円``, ``"1,000"``, ``USD 12.50`` into minor units.

    The currency comes from a symbol or code in the text, else ``default_currency``.
    More decimals than the currency has is an error, not a silent rounding.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    currency = default_currency
    for symbol, code in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if symbol in raw:
            currency = code
            raw = raw.replace(symbol, "")
            break
    match = re.search(r"\b([A-Za-z]{3})\b", raw)
    if match and is_currency(match.group(1).upper()):
        currency = match.group(1).upper()
        raw = raw.replace(match.group(1), "")
    number = raw.replace(",", "").replace(" ", "").replace("\u3000", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", number):
        raise InvalidInput(_("Not an amount of money: {value}", value=text))
    try:
        value = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise InvalidInput(_("Not an amount of money: {value}", value=text)) from exc
    minor = value.scaleb(minor_digits(currency))
    if minor != minor.to_integral_value():
        raise InvalidInput(
            _("{value} has more decimals than {currency} allows", value=text, currency=currency)
        )
    return Money(currency, int(minor))


def format_money(amount: float, currency: str, locale: str) -> str:
    """``amount`` minor units as people read it: ¥1,234 (ja), $12.50 (en)."""
    from babel.numbers import format_currency

    major = Decimal(str(amount)).scaleb(-minor_digits(currency))
    return str(format_currency(major, currency, locale=locale))


@dataclass(frozen=True)
class Amounts(Message):
    """Amounts in several currencies as one message parameter, each formatted in the reader's
    locale: ``$1,000.00、€20.00`` (ja), ``$1,000.00, €20.00`` (en)."""

    amounts: tuple[tuple[str, int], ...] = ()  # (currency, minor units)

    def render(self, locale: str) -> str:
        sep = "、" if locale.startswith("ja") else ", "
        return sep.join(format_money(amount, code, locale) for code, amount in self.amounts)
