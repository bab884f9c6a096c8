"""What an import file may hold: every limit in one place, checked before the work it bounds.

A file that passes these still costs time in proportion to its size, but no file can make the
server inflate, split or remember more than these bounds (security review F2). They are
constants, not settings: a file beyond them should be split, or is not a customer data file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from typing import TypeVar

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one uploaded file (API and pages); `kasasu import` has none
MULTIPART_OVERHEAD = 1024 * 1024  # the form around the file: boundaries, other fields
MAX_COLUMNS = 1_000
MAX_ROW_CHARS = 4 * 1024 * 1024  # one line or row of text (a character is at least a byte)
MAX_CELLS = 10_000_000  # rows × columns of one file
# Rows of any file, as many as an Excel sheet holds: each row costs memory however narrow
# (5 M rows of "x," are 15 MB and took 1.7 GB to read), and a sheet's row numbers can skip.
MAX_ROWS = 1_048_576
MAX_INFLATED_BYTES = 200 * 1000 * 1000  # an .xlsx archive, all its parts inflated
MAX_RATIO = 100  # inflated ÷ compressed size of one part of an .xlsx archive
MAX_PARTS = 10_000  # members of an .xlsx archive
MAX_ERRORS = 10_000  # a file that is wrong everywhere need not list a million reasons
_RATIO_FLOOR = 1024 * 1024  # tiny parts compress as they like; the ratio matters for big ones

E = TypeVar("E")


def capped(errors: Sequence[E]) -> list[E]:
    """The errors a caller reports: the first :data:`MAX_ERRORS`."""
    return list(errors[:MAX_ERRORS])


def refuse(filename: str, reason: Message) -> InvalidInput:
    """The one error of a file beyond a limit, naming the file and the limit."""
    return InvalidInput(
        _("Cannot read {name}: {reason}", name=filename, reason=reason),
        [FieldError(("file",), reason, filename)],
    )


def too_many_columns(filename: str) -> InvalidInput:
    return refuse(filename, _("a row has more than {n} columns", n=f"{MAX_COLUMNS:,}"))


def row_too_long(filename: str) -> InvalidInput:
    return refuse(filename, _("a row is longer than {n} MiB", n=MAX_ROW_CHARS // 2**20))


def too_many_rows(filename: str) -> InvalidInput:
    return refuse(filename, _("it has more than {n} rows; split it", n=f"{MAX_ROWS:,}"))


def too_many_cells(filename: str) -> InvalidInput:
    return refuse(
        filename,
        _("it has more than {n} cells (rows × columns); split it", n=f"{MAX_CELLS:,}"),
    )


def check_archive(archive: zipfile.ZipFile, filename: str) -> None:
    """Refuse an .xlsx whose parts are too many, inflate too far or compress too well.

    The sizes are the archive's own claims, which :mod:`zipfile` holds each part to while
    inflating it (it stops at the declared size), so checking them bounds the real work.
    """
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise refuse(filename, _("its archive has more than {n} parts", n=f"{MAX_PARTS:,}"))
    if sum(p.file_size for p in parts) > MAX_INFLATED_BYTES:
        raise refuse(
            filename,
            _("it would inflate to more than {n} MB", n=MAX_INFLATED_BYTES // 1000**2),
        )
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise refuse(filename, _("a part is compressed more than {n}:1", n=MAX_RATIO))


class CellBudget:
    """Counts the rows and cells of a file as it is read; refuses it once past a limit."""

    def __init__(self, filename: str, *, header: bool = True) -> None:
        self.filename = filename
        self.rows = self.used = 0
        self.max_rows = MAX_ROWS + header  # the header is not a row of data

    def take(self, cells: int) -> None:
        """One more row (the header too) of ``cells`` cells."""
        if cells > MAX_COLUMNS:
            raise too_many_columns(self.filename)
        self.rows += 1
        self.used += cells
        if self.rows > self.max_rows:
            raise too_many_rows(self.filename)
        if self.used > MAX_CELLS:
            raise too_many_cells(self.filename)
