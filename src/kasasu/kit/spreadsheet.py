"""Exports that no spreadsheet will run (security review F6: formula injection).

A text cell beginning with ``= + - @``, a tab or a carriage return is read as a formula by
Excel and LibreOffice when a CSV is opened, and openpyxl stores any text beginning with ``=``
as a formula. Customer data (an account named ``=HYPERLINK(...)``) must stay text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that would start a formula gets a leading ``'``, which
    the spreadsheet shows as a text marker; other values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_not_formulas(book: Any) -> None:
    """Every cell of an openpyxl workbook that was written as text but stored as a formula
    becomes text again (shown as written, never evaluated)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
