"""Event sources and the users they named."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import EventSource, SourceUser


class SourceRepository(Repository[EventSource]):
    model = EventSource

    def by_hash(self, key_hash: str) -> EventSource | None:
        stmt = select(EventSource).where(EventSource.key_hash == key_hash)
        return self.session.scalars(stmt).first()

    def by_name(self, name: str) -> EventSource | None:
        return self.session.scalars(select(EventSource).where(EventSource.name == name)).first()

    def all(self) -> list[EventSource]:
        return list(self.session.scalars(select(EventSource).order_by(EventSource.name)))

    def users(self, source_id: int, user_ids: Iterable[str]) -> dict[str, SourceUser]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        stmt = select(SourceUser).where(
            SourceUser.source_id == source_id, SourceUser.user_id.in_(wanted)
        )
        return {u.user_id: u for u in self.session.scalars(stmt)}

    def remember(
        self,
        known: dict[str, SourceUser],
        source_id: int,
        user_id: str,
        *,
        account: str | None = None,
        traits: dict[str, Any] | None = None,
    ) -> SourceUser:
        """The user's row, made if new, with its account and traits brought up to date."""
        row = known.get(user_id)
        if row is None:
            row = SourceUser(source_id=source_id, user_id=user_id, traits={})
            self.session.add(row)
            known[user_id] = row
        if account is not None:
            row.account_external_id = account
        if traits:
            row.traits = {**(row.traits or {}), **traits}
        row.updated_at = datetime.now(UTC)
        self.session.flush()
        return row
