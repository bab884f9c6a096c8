"""One row per cached read model: its key and payload, replaced when the key changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from kasasu.models import CachedResult
from kasasu.models.base import Base


class CachedResultRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_payload(self, name: str, key: str) -> Any | None:
        row = self.session.get(CachedResult, name)
        return row.payload if row is not None and row.key == key else None

    def put(self, name: str, key: str, payload: Any, at: datetime) -> None:
        row = self.session.get(CachedResult, name)
        if row is None:
            self.session.add(CachedResult(name=name, key=key, payload=payload, computed_at=at))
        else:
            row.key, row.payload, row.computed_at = key, payload, at
        self.session.flush()

    def versions(self, models: Sequence[type[Base]]) -> list[tuple[Any, ...]]:
        """Per table: its rows, largest id and latest change (where it keeps one) — what
        changes whenever a row is added, removed or edited."""
        found = []
        for model in models:
            changed = getattr(model, "updated_at", None)
            columns = (
                func.count(),
                func.max(getattr(model, "id")),  # noqa: B009 - every table here has one
                func.max(changed) if changed is not None else literal(None),
            )
            found.append(tuple(self.session.execute(select(*columns).select_from(model)).one()))
        return found
