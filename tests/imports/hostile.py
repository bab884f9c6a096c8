"""Hostile files, built in memory: a header of millions of columns and .xlsx zip bombs."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c t="inlineStr"><is><t>external_id</t></is></c>'
    b'<c t="inlineStr"><is><t>name</t></is></c></row>'
)
_TAIL = b"</sheetData></worksheet>"
_ROW = b"<row>" + b'<c t="inlineStr"><is><t>aaaaaaaa</t></is></c>' * 10 + b"</row>"


def header_bomb(columns: int = 5_000_000) -> bytes:
    """One line ``a,a,a,…``: ~10 MB that a CSV reader splits into ``columns`` cells."""
    return b"a," * columns


def small_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "name"])
    sheet.append(["A-1", "アオバ商事"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bomb(inflated_mb: int) -> bytes:
    """A workbook whose first sheet inflates to about ``inflated_mb`` MB of rows."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename != SHEET:
                bomb.writestr(info, source.read(info))
        chunk = _ROW * 10_000  # ~4.4 MB
        with bomb.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(_HEAD)
            for _ in range(inflated_mb * 1_000_000 // len(chunk) + 1):
                sheet.write(chunk)
            sheet.write(_TAIL)
    return out.getvalue()


def many_parts(parts: int) -> bytes:
    """A workbook with ``parts`` extra (empty) members in its archive."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        for n in range(parts):
            archive.writestr(f"customXml/item{n}.xml", b"")
    return out.getvalue()
