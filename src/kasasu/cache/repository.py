"""One row per cached read model: its key and payload, replaced when the key changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.models import CachedResult


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
