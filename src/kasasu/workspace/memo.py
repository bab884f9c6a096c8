"""Read models kept between requests: a page that computes over every account (churn
reasons, loyal customers, survey results, the needs board) is computed once per state of
the tables it reads and page parameters, then read by every process until a row of those
tables changes. Read in the request's read transaction; kept in a short write one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from kasasu.cache.service import cached_payload, data_version, store_payload
from kasasu.models.base import Base

T = TypeVar("T")


@dataclass(frozen=True)
class Recalled(Generic[T]):
    value: T
    name: str
    key: str
    fresh: bool  # computed by this request: keep it for the next ones


def _name(page: str, params: Mapping[str, Any]) -> str:
    """One stored row per page and parameters (a month, a grain...), so two readers of
    different months do not replace each other's."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    return f"{page}:{digest[:40]}"


def recall(
    session: Session,
    page: str,
    params: Mapping[str, Any],
    *,
    tables: Sequence[type[Base]],
    compute: Callable[[], T],
    kind: Any,
) -> Recalled[T]:
    """The stored ``page`` for these ``params`` if none of ``tables`` changed since it was
    computed, else computed now (``kind``: its type, to read it back)."""
    name, key = _name(page, params), data_version(session, tables)
    stored = cached_payload(session, name, key)
    adapter: TypeAdapter[T] = TypeAdapter(kind)
    if stored is not None:
        return Recalled(adapter.validate_python(stored), name, key, fresh=False)
    return Recalled(compute(), name, key, fresh=True)


def keep(session: Session, *found: Recalled[Any]) -> None:
    """Store each read model this request computed (those read from the store are kept)."""
    for recalled in found:
        if recalled.fresh:
            value = recalled.value
            payload = (
                value.model_dump(mode="json")
                if isinstance(value, BaseModel)
                else TypeAdapter(type(value)).dump_python(value, mode="json")
            )
            store_payload(session, recalled.name, recalled.key, payload)
