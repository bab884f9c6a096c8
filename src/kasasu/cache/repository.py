"""One row per cached read model: its key and payload, replaced when the key changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from kasasu.db.audit import audited
from kasasu.models import AuditEntry, CachedResult
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
        """Per table: its largest id (a row added) and, for a table the audit log records,
        the latest entry about it (a row added, edited or removed). Both are index lookups,
        whatever the size of the table."""
        found = []
        for model in models:
            table = model.__table__.name  # type: ignore[attr-defined]
            newest = select(func.max(getattr(model, "id")))  # noqa: B009 - every table has one
            logged = (
                select(func.max(AuditEntry.id)).where(AuditEntry.entity == table)
                if audited(table)
                else select(literal(None))
            )
            found.append((table, self.session.scalar(newest), self.session.scalar(logged)))
        return found
