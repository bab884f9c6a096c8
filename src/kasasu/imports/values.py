"""One cell → one value: text, whole numbers, yes/no, dates, instants, money, choices.

Cells come as text (CSV), as typed values (Excel: numbers, datetimes, booleans) or as JSON
values. Each parser raises :class:`InvalidInput` with a reason in the user's language; the
row converter turns it into a row error. The domain parsers do the real work.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from kasasu.domain.dates import as_utc, from_excel_serial, local_midnight, parse_date, parse_instant
from kasasu.domain.money import Money, is_currency, parse_amount
from kasasu.errors import InvalidInput
from kasasu.imports.readers import Cell
from kasasu.kit.choices import label, parse_choice
from kasasu.kit.i18n import Message, _

_TRUE = {"はい", "yes", "y", "true", "t", "1", "○", "〇", "◯", "✓", "✔", "有", "あり", "on", "済"}
_FALSE = {"いいえ", "no", "n", "false", "f", "0", "×", "✕", "無", "なし", "off", "-", "未"}
_CURRENCY_WORDS = {
    "円": "JPY",
    "¥": "JPY",
    "￥": "JPY",
    "$": "USD",
    "ドル": "USD",
    "米ドル": "USD",
    "€": "EUR",
    "ユーロ": "EUR",
    "£": "GBP",
    "ポンド": "GBP",
}
# Plausible Excel serial days (1954 to 2119); a bare number outside is not taken for a date.
_SERIALS = (20_000, 80_000)


@dataclass(frozen=True)
class Labels(Message):
    """A list of choices, each label rendered in the reader's language."""

    members: tuple[StrEnum, ...] = ()

    def render(self, locale: str) -> str:
        sep = "、" if locale.startswith("ja") else ", "
        return sep.join(label(m).render(locale) for m in self.members)


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def as_text(cell: Cell) -> str:
    """Text of a cell; an Excel number that is whole (1001.0) reads as "1001", not "1001.0"."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def as_int(cell: Cell) -> int:
    if isinstance(cell, bool):
        raise InvalidInput(_("Not a whole number: {value}", value=cell))
    if isinstance(cell, int):
        return cell
    text = unicodedata.normalize("NFKC", as_text(cell)).replace(",", "")
    try:
        number = Decimal(text)
    except ArithmeticError as exc:
        raise InvalidInput(_("Not a whole number: {value}", value=cell)) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidInput(_("Not a whole number: {value}", value=cell))
    return int(number)


def as_decimal(cell: Cell) -> Decimal:
    """``150.25``, ``1,234.5``, ``０.００６６`` or an Excel number, exactly as written."""
    if isinstance(cell, bool):
        raise InvalidInput(_("Not a number: {value}", value=cell))
    if isinstance(cell, int | float):
        return Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    text = unicodedata.normalize("NFKC", as_text(cell)).replace(",", "")
    try:
        number = Decimal(text)
    except ArithmeticError as exc:
        raise InvalidInput(_("Not a number: {value}", value=cell)) from exc
    if not number.is_finite():
        raise InvalidInput(_("Not a number: {value}", value=cell))
    return number


def as_bool(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    key = unicodedata.normalize("NFKC", as_text(cell)).casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise InvalidInput(_("Not yes or no: {value} (write はい/いいえ, yes/no or 1/0)", value=cell))


def as_date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        if cell.time() != time(0):
            raise InvalidInput(_("Expected a date without a time: {value}", value=cell))
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool) and _is_serial(cell):
        return from_excel_serial(cell)
    return parse_date(as_text(cell))


def as_instant(cell: Cell, zone: str) -> datetime:
    """An instant as aware UTC; a time without an offset is wall time in ``zone``."""
    if isinstance(cell, datetime):
        return as_utc(cell, zone)
    if isinstance(cell, date):
        return local_midnight(cell, zone)
    if isinstance(cell, int | float) and not isinstance(cell, bool) and _is_serial(cell):
        return local_midnight(from_excel_serial(cell), zone)
    return parse_instant(as_text(cell), zone)


def _is_serial(number: float) -> bool:
    return _SERIALS[0] <= number <= _SERIALS[1]


def as_money(cell: Cell, currency: str) -> Money:
    """``¥1,000``, ``1,000円``, ``"1,000"`` or an Excel number, in ``currency`` unless marked."""
    if isinstance(cell, bool):
        raise InvalidInput(_("Not an amount of money: {value}", value=cell))
    if isinstance(cell, float):
        # repr keeps the digits Excel stored (12.5), not a binary expansion.
        return parse_amount(repr(cell) if not cell.is_integer() else str(int(cell)), currency)
    return parse_amount(as_text(cell), currency)


def as_currency(cell: Cell) -> str:
    text = unicodedata.normalize("NFKC", as_text(cell)).strip()
    code = _CURRENCY_WORDS.get(text, text.upper())
    if not is_currency(code):
        raise InvalidInput(_("Unknown currency code {code}", code=text))
    return code


def as_choice(enum_cls: type[StrEnum], cell: Cell) -> StrEnum:
    found = parse_choice(enum_cls, as_text(cell))
    if found is None:
        raise InvalidInput(
            _(
                "Not one of: {choices}",
                choices=Labels("", members=tuple(enum_cls)),
            )
        )
    return found


def as_custom(cell: Cell) -> str | int | float | bool | None:
    """A value for an account's custom field: JSON-storable and stable on re-import."""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if cell is None or isinstance(cell, int | float | bool):
        return cell
    return as_text(cell)
