"""Read CSV, Excel and JSON Lines files into a header list and numbered rows.

Row numbers are the ones the user sees: in a spreadsheet the header is row 1 and the first
data row is row 2; in JSON Lines a row is its line number. Blank rows are dropped but keep
their numbers counted, so a reported row is the row the user opens.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from charset_normalizer import from_bytes

from kasasu.errors import FieldError, InvalidInput
from kasasu.imports.limits import (
    MAX_COLUMNS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    CellBudget,
    check_archive,
    row_too_long,
    too_many_columns,
    too_many_rows,
)
from kasasu.kit.i18n import Message, _

Cell = str | int | float | bool | date | datetime | time | None

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + JSONL_SUFFIXES

# Characters that only Japanese text has: kana and CJK ideographs. Their presence is what
# tells a CP932 file from a Latin-1 one whose bytes also happen to decode as CP932.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")
_JAPANESE_FAMILY = {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "shift_jis_2004"}


@dataclass(frozen=True)
class RawRow:
    number: int
    values: dict[str, Cell]


@dataclass
class Table:
    """The file's headers as written and its non-blank rows."""

    headers: list[str]
    rows: list[RawRow] = field(default_factory=list)
    # Rows the reader could not even split into cells (a JSON Lines line that is not JSON).
    broken: list[tuple[int, str, Message]] = field(default_factory=list)
    encoding: str | None = None


def read_table(data: bytes, filename: str) -> Table:
    """Read ``data`` as the kind of file its name says (CSV, .xlsx or JSON Lines).

    Every reader refuses a file beyond :mod:`kasasu.imports.limits` as soon as it sees it.
    """
    suffix = PurePath(filename).suffix.lower()
    name = PurePath(filename).name
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(data, name)
    if suffix in JSONL_SUFFIXES:
        return read_jsonl(data, name)
    if suffix in CSV_SUFFIXES:
        return read_csv(data, name)
    raise InvalidInput(
        _(
            "Cannot read {name}: use a .csv, .xlsx or .jsonl file",
            name=PurePath(filename).name,
        ),
        [FieldError(("file",), _("Unsupported file type {suffix}", suffix=suffix), filename)],
    )


def detect_encoding(data: bytes) -> str:
    """The encoding of a text file: a BOM, else UTF-8, else CP932 for Japanese, else a guess.

    Excel's "CSV" on Japanese Windows is CP932 (a superset of Shift_JIS with ①, ㈱ and the
    NEC/IBM extensions), so Japanese text is always decoded as CP932, never as Shift_JIS.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding, check in (("utf-8", None), ("cp932", _looks_japanese)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if check is None or check(text):
            return encoding
    best = from_bytes(data).best()
    if best is None:
        raise InvalidInput(
            _("Cannot tell the file's character encoding; save it as UTF-8 or Shift_JIS (CP932)")
        )
    guess = best.encoding.lower().replace("-", "_")
    return "cp932" if guess in _JAPANESE_FAMILY else guess


def _looks_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text)) and not _C1_CONTROLS.search(text)


def _delimiter(first_line: str) -> str:
    """Tab for Excel's "Unicode text" and TSV, semicolon for European Excel, else comma."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv(data: bytes, filename: str = "file.csv") -> Table:
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    if encoding == "cp932":
        # Japanese Excel saves ¥ as byte 0x5C, which CP932 decodes as a backslash; Japanese
        # Windows shows that byte as ¥, so that is what the user wrote.
        text = text.replace("\\", "¥")
    text = text.lstrip("\ufeff")
    end = text.find("\n", 0, MAX_ROW_CHARS + 1)
    delimiter = _delimiter(text[: MAX_ROW_CHARS + 1 if end < 0 else end])
    lines = _checked_lines(io.StringIO(text, newline=""), delimiter, filename)
    reader = csv.reader(lines, _dialect(delimiter))
    budget = CellBudget(filename)
    try:
        header = next(reader, [])
        budget.take(len(header))
        table = Table(_headers(header), encoding=encoding)
        for number, cells in enumerate(reader, start=2):
            budget.take(len(cells))
            _add_row(table, number, cells)
    except csv.Error as exc:
        raise InvalidInput(_("The CSV file is malformed: {detail}", detail=str(exc))) from exc
    return table


def _checked_lines(lines: Iterable[str], delimiter: str, filename: str) -> Iterator[str]:
    """The file's lines, refused before the CSV reader splits one too long or too wide.

    Without quotes every delimiter splits a cell, so counting them is exact; a line with
    quotes is split by the reader (at most :data:`MAX_ROW_CHARS` of it) and its cells counted.
    """
    for line in lines:
        if '"' not in line and line.count(delimiter) >= MAX_COLUMNS:
            raise too_many_columns(filename)
        if len(line) > MAX_ROW_CHARS:
            raise row_too_long(filename)
        yield line


def _dialect(separator: str) -> type[csv.Dialect]:
    class Dialect(csv.excel):
        delimiter = separator

    return Dialect


def read_xlsx(data: bytes, filename: str = "file.xlsx") -> Table:
    """The first sheet of a workbook; cells keep their types (dates, numbers, booleans).

    The archive is checked before openpyxl inflates anything (a zip bomb is refused by its
    sizes), and the sheet is read without its declared dimensions, which a file can inflate.
    """
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, filename)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidInput:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a broken file
        raise InvalidInput(_("Cannot open the Excel file: {detail}", detail=str(exc))) from exc
    try:
        sheet = book.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):  # read-only sheets; chart sheets have none
            sheet.reset_dimensions()
        rows: Iterator[tuple[Cell, ...]] = sheet.iter_rows(values_only=True)
        return _sheet_table(rows, filename)
    finally:
        book.close()


def _sheet_table(rows: Iterator[tuple[Cell, ...]], filename: str) -> Table:
    budget = CellBudget(filename)
    table: Table | None = None
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:  # a row number that skips ahead
            raise too_many_rows(filename)
        cells = _trimmed(row)
        budget.take(len(cells))
        if table is None:
            if _is_blank(cells):
                continue
            table = Table(_headers(cells))
            continue
        _add_row(table, number, cells)
    return table or Table([])


def _trimmed(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def read_jsonl(data: bytes, filename: str = "file.jsonl") -> Table:
    """One JSON object per line; the headers are every key, in the order first seen."""
    encoding = detect_encoding(data)
    headers: dict[str, None] = {}
    table = Table([], encoding=encoding)
    budget = CellBudget(filename, header=False)
    for number, line in enumerate(data.decode(encoding).splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_ROW_CHARS:
            raise row_too_long(filename)
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            item = _("Not valid JSON")
        if not isinstance(item, dict):
            budget.take(0)  # a line that is not an object is still a row to report
            reason = item if isinstance(item, Message) else _("Not a JSON object")
            table.broken.append((number, line[:80], reason))
            continue
        budget.take(len(item))
        values: dict[str, Cell] = {}
        for key, value in item.items():
            headers.setdefault(str(key), None)
            values[str(key)] = _json_cell(value)
        if len(headers) > MAX_COLUMNS:
            raise too_many_columns(filename)
        table.rows.append(RawRow(number, values))
    table.headers = list(headers)
    return table


def _json_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    # Nested values have no column to go to; keep them visible as JSON text.
    return json.dumps(value, ensure_ascii=False)


def _headers(cells: Iterable[Cell]) -> list[str]:
    headers = ["" if c is None else str(c).strip() for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _is_blank(cells: Iterable[Cell]) -> bool:
    # A loop, not all() over a generator: twice as fast, once per row of a million-row file.
    for c in cells:  # noqa: SIM110
        if c is not None and not (isinstance(c, str) and not c.strip()):
            return False
    return True


def _add_row(table: Table, number: int, cells: Iterable[Cell]) -> None:
    cells = list(cells)
    if _is_blank(cells):
        return
    missing = len(table.headers) - len(cells)
    padded = cells + [None] * missing if missing > 0 else cells
    values = dict(zip(table.headers, padded, strict=False))  # cells past the headers: dropped
    values.pop("", None)  # and so is a column without a header
    table.rows.append(RawRow(number, values))
