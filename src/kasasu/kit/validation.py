"""Pydantic's validation errors as reasons a user can read, in Japanese or English.

One table for the API's 422 answers, the event batches and the file imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.kit.i18n import Message, _

_TIMESTAMP = _("Not a timestamp; write ISO 8601 like 2026-11-22T10:30:00+09:00")
_DATE = _("Must be a date like 2026-11-22")
_WHOLE = _("Must be a whole number")
_NUMBER = _("Not a number")
_BOOL = _("Must be true or false")
_OBJECT = _("Must be an object")
_WEB_ADDRESS = _("Must be a web address beginning with http:// or https://")

_FIXED: dict[str, Message] = {
    "missing": _("Required"),
    "string_pattern_mismatch": _("Not in the expected format"),
    "string_type": _("Must be text"),
    "int_type": _WHOLE,
    "int_parsing": _WHOLE,
    "int_from_float": _WHOLE,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "finite_number": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": _("Too many digits"),
    "decimal_max_places": _("Too many decimal places"),
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "datetime_type": _TIMESTAMP,
    "datetime_parsing": _TIMESTAMP,
    "datetime_from_date_parsing": _TIMESTAMP,
    "timezone_aware": _("Give a UTC offset, like 2026-11-22T10:30:00+09:00"),
    "extra_forbidden": _("Unknown field"),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "list_type": _("Must be a list"),
    "url_type": _WEB_ADDRESS,
    "url_parsing": _WEB_ADDRESS,
    "url_scheme": _WEB_ADDRESS,
    "url_syntax_violation": _WEB_ADDRESS,
}
# error type → (the key of pydantic's ctx holding the limit, the message taking it)
_LIMITED: dict[str, tuple[str, str]] = {
    "string_too_long": ("max_length", "At most {limit} characters"),
    "string_too_short": ("min_length", "At least {limit} characters"),
    "greater_than_equal": ("ge", "Must be {limit} or more"),
    "greater_than": ("gt", "Must be more than {limit}"),
    "less_than_equal": ("le", "Must be {limit} or less"),
    "less_than": ("lt", "Must be less than {limit}"),
    "too_short": ("min_length", "At least {limit} items"),
    "too_long": ("max_length", "At most {limit} items"),
}
_CHOICES = {"enum", "literal_error"}


def pydantic_reason(error: Mapping[str, Any]) -> Message:
    """The reason for one item of ``ValidationError.errors()``; else pydantic's own text."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return _FIXED["missing"]  # an empty required text is a missing value to a user
    if kind in _FIXED:
        return _FIXED[kind]
    if kind in _CHOICES:
        return _("Not one of: {choices}", choices=context.get("expected", ""))
    if kind in _LIMITED and _LIMITED[kind][0] in context:
        key, msgid = _LIMITED[kind]
        return Message(msgid, {"limit": context[key]})
    return _("Not valid: {detail}", detail=error.get("msg", kind))


# The msgids above that take a limit, written out so the catalogue extractor finds them.
_LIMIT_MSGIDS = (
    _("At most {limit} characters"),
    _("At least {limit} characters"),
    _("Must be {limit} or more"),
    _("Must be more than {limit}"),
    _("Must be {limit} or less"),
    _("Must be less than {limit}"),
    _("At least {limit} items"),
    _("At most {limit} items"),
)
