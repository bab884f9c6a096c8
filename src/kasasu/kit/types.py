"""Pydantic field types shared by the slices' schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

# Pydantic reads a number as seconds since 1970 (``?as_of=0`` is 1970-01-01): nobody means
# that in a date or time field, so a number there is refused instead of silently converted.
_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _refuse_number(kind: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, int | float) or (
            isinstance(value, str | bytes) and _NUMBER.fullmatch(str(value))
        ):
            raise PydanticCustomError(kind, "a number where a {kind} is meant", {"kind": kind})
        return value

    return BeforeValidator(check)


def _refuse_bool(value: Any) -> Any:
    # Pydantic's lax mode reads true as the id 1.
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "a boolean where an id is meant")
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Day = Annotated[date, _refuse_number("date_type")]
Moment = Annotated[datetime, _refuse_number("datetime_type")]
UTCDatetime = Annotated[AwareDatetime, _refuse_number("datetime_type"), AfterValidator(_to_utc)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


# Ids are BIGINT: a larger one names no row and no database could compare it.
def blank_is_none(value: object) -> object:
    """A form's empty field as no value (a BeforeValidator)."""
    return value or None


def is_row_id(text: str) -> bool:
    """Whether ``text`` (from a form or a query) names a row id the database can hold."""
    return text.isdigit() and 0 < int(text) <= MAX_BIGINT


MAX_BIGINT = 2**63 - 1
RowId = Annotated[int, BeforeValidator(_refuse_bool), Field(ge=1, le=MAX_BIGINT)]
# A count or a small quantity in an INTEGER column (PostgreSQL's is 32 bits).
MAX_INTEGER = 2**31 - 1

READ_CONFIG = ConfigDict(from_attributes=True)
INPUT_CONFIG = ConfigDict(extra="forbid")


class LocalText(BaseModel):
    """A text in Japanese and English (titles and texts the product ships in both)."""

    model_config = ConfigDict(extra="forbid")

    ja: str = Field(min_length=1, max_length=20_000)
    en: str = Field(min_length=1, max_length=20_000)


def local_text(text: Any, locale: str) -> str:
    """A text written once (str) or in both languages (LocalText or a stored {ja, en})."""
    if isinstance(text, LocalText):
        text = text.model_dump()
    if isinstance(text, Mapping):
        return str(text.get(locale) or text.get("en") or text.get("ja") or "")
    return "" if text is None else str(text)
