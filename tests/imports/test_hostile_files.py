"""Security review F2: hostile files are refused before they are parsed in full.

Before the fix a 10 MB header of 5 M columns took 54 s and 5.7 GB and answered 5,000,001
errors; a 5.9 MB .xlsx inflating to 1.36 GB took 316 s and 3.5 GB.
"""

from __future__ import annotations

import json
import time

import pytest

from kasasu.errors import InvalidInput
from kasasu.imports.limits import MAX_CELLS, MAX_COLUMNS, MAX_ERRORS, MAX_ROWS
from kasasu.imports.readers import read_table
from tests.imports.hostile import header_bomb, many_parts, small_workbook, xlsx_bomb


def _refused(data: bytes, name: str) -> InvalidInput:
    start = time.monotonic()
    with pytest.raises(InvalidInput) as caught:
        read_table(data, name)
    assert time.monotonic() - start < 2
    return caught.value


def test_a_header_of_five_million_columns_is_refused_at_once() -> None:
    error = _refused(header_bomb(), "hdr.csv")
    assert error.message.render("en") == ("Cannot read hdr.csv: a row has more than 1,000 columns")
    assert error.message.render("ja") == "hdr.csv を読めません: 1,000 列を超える行があります"
    assert len(error.errors) <= MAX_ERRORS


def test_columns_up_to_the_limit_are_read_and_one_more_is_refused() -> None:
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    table = read_table(f"{header}\n{'1,' * (MAX_COLUMNS - 1)}1\n".encode(), "wide.csv")
    assert len(table.headers) == MAX_COLUMNS
    assert table.rows[0].values["c999"] == "1"
    wider = f"{header},c1000\n".encode()
    assert "1,000 columns" in _refused(wider, "wider.csv").message.render("en")
    # A data row wider than the header is refused too, even with quoted cells.
    quoted = f'{header}\n"x",{"1," * MAX_COLUMNS}1\n'.encode()
    assert "1,000 columns" in _refused(quoted, "q.csv").message.render("en")


def test_a_row_longer_than_4_mib_is_refused() -> None:
    data = b"external_id,name\nA-1," + b"x" * (4 * 1024 * 1024 + 1) + b"\n"
    error = _refused(data, "long.csv")
    assert error.message.render("en") == "Cannot read long.csv: a row is longer than 4 MiB"


def test_jsonl_with_too_many_keys_or_too_deep_is_refused() -> None:
    keys = json.dumps({f"k{i}": 1 for i in range(MAX_COLUMNS + 1)}).encode()
    assert "1,000 columns" in _refused(keys, "wide.jsonl").message.render("en")
    deep = b"[" * 100_000 + b"]" * 100_000
    table = read_table(b'{"a": 1}\n' + deep + b"\n", "deep.jsonl")
    assert [n for n, _line, _why in table.broken] == [2]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated() -> None:
    error = _refused(xlsx_bomb(250), "bomb.xlsx")
    assert error.message.render("en") == (
        "Cannot read bomb.xlsx: it would inflate to more than 200 MB"
    )
    assert error.message.render("ja") == "bomb.xlsx を読めません: 展開すると 200 MB を超えます"


def test_a_highly_compressed_xlsx_is_refused() -> None:
    error = _refused(xlsx_bomb(30), "ratio.xlsx")
    assert error.message.render("en") == (
        "Cannot read ratio.xlsx: a part is compressed more than 100:1"
    )


def test_an_xlsx_with_too_many_parts_is_refused() -> None:
    error = _refused(many_parts(10_001), "parts.xlsx")
    assert error.message.render("en") == (
        "Cannot read parts.xlsx: its archive has more than 10,000 parts"
    )


def test_an_ordinary_workbook_still_reads() -> None:
    table = read_table(small_workbook(), "ok.xlsx")
    assert table.headers == ["external_id", "name"]
    assert table.rows[0].values == {"external_id": "A-1", "name": "アオバ商事"}


def test_more_than_ten_million_cells_are_refused() -> None:
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n"
    rows = ("1," * (MAX_COLUMNS - 1) + "1\n") * (MAX_CELLS // MAX_COLUMNS)
    with pytest.raises(InvalidInput) as caught:
        read_table((header + rows).encode(), "cells.csv")
    assert caught.value.message.render("en") == (
        "Cannot read cells.csv: it has more than 10,000,000 cells (rows × columns); split it"
    )


@pytest.mark.slow  # a sheet of more rows than Excel holds
def test_more_rows_than_an_excel_sheet_holds_are_refused() -> None:
    """Narrow rows cost memory per row: 5 M rows of 15 MB took 39 s and 1.7 GB to read.
    (Read up to the limit, so slower than the refusals above.)"""
    data = b"external_id,name\n" + b"x,\n" * (MAX_ROWS + 1)
    with pytest.raises(InvalidInput) as caught:
        read_table(data, "rows.csv")
    error = caught.value
    assert error.message.render("en") == (
        "Cannot read rows.csv: it has more than 1,048,576 rows; split it"
    )
    assert error.message.render("ja") == (
        "rows.csv を読めません: 行数が 1,048,576 を超えています。ファイルを分けてください"
    )
    jsonl = b"[]\n" * (MAX_ROWS + 1)  # lines that are not objects are rows too
    with pytest.raises(InvalidInput, match="1,048,576 rows"):
        read_table(jsonl, "rows.jsonl")
