from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from kasasu.kit.validation import pydantic_reason


class Sample(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=5)]
    seats: Annotated[int, Field(ge=1)]
    at: AwareDatetime


def _reasons(data: dict[str, object], locale: str) -> dict[str, str]:
    try:
        Sample.model_validate(data)
    except ValidationError as exc:
        return {str(e["loc"][0]): pydantic_reason(e).render(locale) for e in exc.errors()}
    raise AssertionError("expected errors")


def test_common_errors_read_naturally_in_japanese() -> None:
    reasons = _reasons({"name": "", "seats": 0, "at": datetime(2026, 11, 22)}, "ja")
    assert reasons == {
        "name": "必須です",
        "seats": "1 以上にしてください",
        "at": "2026-11-22T10:30:00+09:00 のように UTC からの時差を付けてください",
    }


def test_limits_come_from_pydantic_context() -> None:
    reasons = _reasons({"name": "長すぎる名前です", "seats": "x", "at": "2026-11-22T10:00Z"}, "en")
    assert reasons == {"name": "At most 5 characters", "seats": "Must be a whole number"}
