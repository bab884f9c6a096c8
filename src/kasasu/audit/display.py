"""A stored change as a reader sees it: the log keeps a choice as its code (``customer``), and
the pages show that choice's label in the reader's language."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from kasasu import models
from kasasu.kit.choices import LabelledChoice


@cache
def _choices(entity: str, field: str) -> type[StrEnum] | None:
    """The labelled choice a column of the audited table ``entity`` holds, if it holds one."""
    table = models.Base.metadata.tables.get(entity)  # every model's table, once imported
    column = table.columns.get(field) if table is not None else None
    kind = getattr(column.type, "enum_class", None) if column is not None else None
    return kind if isinstance(kind, type) and issubclass(kind, LabelledChoice) else None


def as_choice(entity: str, field: str | None, value: str | None) -> StrEnum | str | None:
    """``value`` as its choice when ``field`` of ``entity`` is a choice column and the code is
    one this version knows; otherwise as stored."""
    if not field or value is None:
        return value
    kind = _choices(entity, field)
    if kind is None:
        return value
    try:
        return kind(value)
    except ValueError:
        return value
