"""The SDK's environments."""

from __future__ import annotations

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import SdkEnvironment


class EnvironmentRepository(Repository[SdkEnvironment]):
    model = SdkEnvironment

    def by_public_key(self, key: str) -> SdkEnvironment | None:
        stmt = select(SdkEnvironment).where(SdkEnvironment.public_key == key)
        return self.session.scalars(stmt).one_or_none()

    def listed(self) -> list[SdkEnvironment]:
        return list(self.session.scalars(select(SdkEnvironment).order_by(SdkEnvironment.name)))
