"""Exports that no spreadsheet will run (security review F6: formula injection).

A text cell beginning with ``= + - @``, a tab or a carriage return is read as a formula by
Excel and LibreOffice when a CSV is opened, and openpyxl stores any text beginning with ``=``
as a formula. Customer data (an account named ``=HYPERLINK(...)``) must stay text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV file for Excel (UTF-8 with BOM, CRLF), every cell made safe by :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """A one-sheet Excel workbook whose text cells are text, never formulas. Written as a
    stream (openpyxl's write-only mode): 20,000 rows in a fraction of the time and memory."""
    from openpyxl import Workbook  # loaded for a download only
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])

    def cells(values: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if isinstance(value, str) and value.startswith("="):  # openpyxl's formula mark
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
