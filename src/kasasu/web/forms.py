"""Form mistakes next to their fields: a page with a form re-renders with what was typed,
and under each field what is wrong with it (templates/_forms.html)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kasasu.errors import InvalidInput
from kasasu.kit.validation import pydantic_reason


def field_errors(error: InvalidInput | ValidationError | None, locale: str) -> dict[str, str]:
    """What is wrong, by field name (the last part of each error's location); a mistake of
    the whole form is under ""."""
    found: dict[str, list[str]] = {}
    if isinstance(error, ValidationError):
        for item in error.errors():
            found.setdefault(_field(item["loc"]), []).append(pydantic_reason(item).render(locale))
    elif error is not None:
        for e in error.errors:
            found.setdefault(_field(e.loc), []).append(e.message.render(locale))
        if not error.errors:
            found[""] = [error.message.render(locale)]
    return {field: " ".join(messages) for field, messages in found.items()}


def _field(loc: Any) -> str:
    """The field of a location: ("body", "title") and "form.rule" name title and rule."""
    parts = [str(p) for p in loc if not isinstance(p, int)] if loc else []
    return parts[-1].rsplit(".", 1)[-1] if parts else ""


def typed(fields: Mapping[str, Any]) -> dict[str, str]:
    """The fields as typed, to fill the form again (stripped; checkboxes as "on")."""
    return {k: "" if v is None else str(v).strip() for k, v in fields.items() if k != "csrf_token"}


MAX_PAGE = 1_000_000  # a page number past any list's end, still a small offset


def page_number(text: str | None) -> int:
    """A page number from the query, 1 when missing or not a number."""
    return min(int(text), MAX_PAGE) if text and text.isdigit() and int(text) > 0 else 1
