"""Cursor pages: opaque, URL-safe cursors over a (sort value, id) key."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None = None  # the page before this one, when there is one


@dataclass(frozen=True)
class CursorKey:
    """Where the previous page ended: its sort, the last row's sort value and id."""

    sort: str
    value: Any
    row_id: int
    before: bool = False  # the rows before this key (a previous page), not after it


def encode_cursor(key: CursorKey) -> str:
    fields = [key.sort, key.value, key.row_id, *([1] if key.before else [])]
    raw = json.dumps(fields, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> CursorKey | None:
    """Return the key, or None when the cursor is not one Kasasu made."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort, value, row_id, *rest = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(sort, str) or not isinstance(row_id, int) or rest not in ([], [1]):
        return None
    return CursorKey(sort, value, row_id, before=bool(rest))
