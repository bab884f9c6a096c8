"""Which column of a file is which field: the documented header table, plus overrides.

The table (``headers.yaml``, documented in ``docs/imports.md``) lists per kind and field the
headers Japanese and English spreadsheets use. A user can override it per import with
``field=Header`` pairs when their file calls a column something else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from kasasu.errors import FieldError, InvalidInput
from kasasu.imports.limits import capped
from kasasu.kit.i18n import _

HEADER_ROW = 1  # errors about columns point at the header row, as a spreadsheet user sees it
_IGNORED = re.compile(r"[\s_\-\ufeff]+")


def normalize_header(text: str) -> str:
    """NFKC, case folded, without spaces, underscores and hyphens: "Account ID" = "account_id"."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


@cache
def header_table() -> dict[str, dict[str, tuple[str, ...]]]:
    """kind → field → accepted headers, read from the packaged ``headers.yaml``."""
    text = files("kasasu.imports").joinpath("headers.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {
        str(kind): {str(name): tuple(str(h) for h in heads) for name, heads in fields.items()}
        for kind, fields in raw.items()
    }


@dataclass(frozen=True)
class ColumnMap:
    """field → header as written in the file, and the headers no field took."""

    columns: dict[str, str]
    unmapped: list[str]


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``["name=会社名称", ...]`` → ``{"name": "会社名称"}``."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise InvalidInput(
                _("Write a column mapping as field=Header, not {value}", value=pair),
                [FieldError(("map",), _("Expected field=Header"), pair)],
            )
        overrides[name.strip()] = header.strip()
    return overrides


def map_columns(
    kind: str, headers: list[str], required: Iterable[str], overrides: Mapping[str, str]
) -> ColumnMap:
    """Match ``headers`` to the kind's fields; raise one InvalidInput listing every problem."""
    table = header_table()[kind]
    errors = _duplicate_headers(headers)
    columns = _overridden(table, headers, overrides, errors)
    _match_aliases(table, headers, overrides, columns, errors)
    errors += [
        FieldError(
            (HEADER_ROW, name),
            _(
                "Missing column {field} (name it one of: {headers})",
                field=name,
                headers=", ".join(table[name]),
            ),
            None,
        )
        for name in required
        if name not in columns
    ]
    if errors:
        raise InvalidInput(
            _("The file's columns do not fit a {kind} import", kind=kind), capped(errors)
        )
    used = set(columns.values())
    return ColumnMap(columns, [h for h in headers if h and h not in used])


def _overridden(
    table: Mapping[str, tuple[str, ...]],
    headers: list[str],
    overrides: Mapping[str, str],
    errors: list[FieldError],
) -> dict[str, str]:
    """The columns the user chose with ``--map field=Header``."""
    columns: dict[str, str] = {}
    for name, header in overrides.items():
        if name not in table:
            reason = _("No field {field}; fields: {fields}", field=name, fields=", ".join(table))
            errors.append(FieldError(("map", name), reason, header))
        elif header not in headers:
            reason = _("No column {header} in the file", header=header)
            errors.append(FieldError(("map", name), reason, header))
        else:
            columns[name] = header
    return columns


def _match_aliases(
    table: Mapping[str, tuple[str, ...]],
    headers: list[str],
    overrides: Mapping[str, str],
    columns: dict[str, str],
    errors: list[FieldError],
) -> None:
    """Add the columns whose header is a known name of a field not chosen by ``--map``."""
    taken = set(columns.values())
    by_alias = {normalize_header(a): name for name, aliases in table.items() for a in aliases}
    for header in headers:
        name = by_alias.get(normalize_header(header))
        if header in taken or name is None or name in overrides:
            continue
        if name in columns:
            reason = _(
                "Columns {first} and {second} both mean {field}; choose one with --map",
                first=columns[name],
                second=header,
                field=name,
            )
            errors.append(FieldError((HEADER_ROW, header), reason, header))
            continue
        columns[name] = header


def _duplicate_headers(headers: list[str]) -> list[FieldError]:
    seen: set[str] = set()
    errors = []
    for header in headers:
        if header and header in seen:
            errors.append(
                FieldError(
                    (HEADER_ROW, header), _("Two columns are named {header}", header=header), header
                )
            )
        seen.add(header)
    return errors
