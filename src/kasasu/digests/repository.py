"""Digest preferences and the digests sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, select

from kasasu.db.repository import Repository
from kasasu.models import DigestDelivery, DigestPreference


class DigestPreferenceRepository(Repository[DigestPreference]):
    model = DigestPreference

    def for_users(self, user_ids: Sequence[int]) -> dict[int, DigestPreference]:
        if not user_ids:
            return {}
        stmt = select(DigestPreference).where(DigestPreference.user_id.in_(list(user_ids)))
        return {p.user_id: p for p in self.session.scalars(stmt)}


class DigestDeliveryRepository(Repository[DigestDelivery]):
    model = DigestDelivery

    def record(self, user_id: int, day: date, channel: str, now: datetime) -> None:
        """Insert the record; the unique key (user, day) fails a second one."""
        self.session.add(DigestDelivery(user_id=user_id, day=day, channel=channel, sent_at=now))
        self.session.flush()

    def forget(self, user_id: int, day: date) -> None:
        stmt = delete(DigestDelivery).where(
            DigestDelivery.user_id == user_id, DigestDelivery.day == day
        )
        self.session.execute(stmt)

    def sent_on(self, day: date) -> set[int]:
        stmt = select(DigestDelivery.user_id).where(DigestDelivery.day == day)
        return set(self.session.scalars(stmt))
