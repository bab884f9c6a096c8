"""Queries of the audit log: filtered pages newest first, counts, and the one prune."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from kasasu.models import AuditEntry, AuditPrune


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list_page(self, where: dict[str, Any], *, offset: int, limit: int) -> list[AuditEntry]:
        stmt = _filtered(select(AuditEntry), where)
        stmt = stmt.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
        return list(self.session.scalars(stmt))

    def count(self, where: dict[str, Any]) -> int:
        stmt = _filtered(select(func.count()).select_from(AuditEntry), where)
        return int(self.session.scalar(stmt) or 0)

    def iterate(self, where: dict[str, Any], batch: int = 1000) -> Iterator[AuditEntry]:
        """Every matching entry newest first, ``batch`` rows per query (for exports)."""
        last: int | None = None
        while True:
            stmt = _filtered(select(AuditEntry), where)
            if last is not None:
                stmt = stmt.where(AuditEntry.id < last)
            rows = list(self.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(batch)))
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1].id

    def count_before(self, moment: datetime) -> int:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.at < moment)
        return int(self.session.scalar(stmt) or 0)

    def prune(self, moment: datetime, actor_name: str, entries: int) -> None:
        """Record the prune, then delete what it allows (the table's triggers check)."""
        self.session.add(AuditPrune(before=moment, actor_name=actor_name, entries=entries))
        self.session.flush()
        self.session.execute(
            delete(AuditEntry)
            .where(AuditEntry.at < moment)
            .execution_options(synchronize_session=False)
        )


def _filtered(stmt: Select[Any], where: dict[str, Any]) -> Select[Any]:
    for name in ("entity", "entity_id", "actor_name", "origin", "account_id"):
        if where.get(name) is not None:
            stmt = stmt.where(getattr(AuditEntry, name) == where[name])
    if where.get("since") is not None:
        stmt = stmt.where(AuditEntry.at >= where["since"])
    if where.get("until") is not None:
        stmt = stmt.where(AuditEntry.at < where["until"])
    return stmt
