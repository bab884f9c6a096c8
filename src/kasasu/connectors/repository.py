"""Connector events and sync runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kasasu.db.repository import Repository
from kasasu.models import ConnectorEvent, SyncRun


class ConnectorEventRepository(Repository[ConnectorEvent]):
    model = ConnectorEvent

    def known(self, connector: str, event_id: str) -> bool:
        stmt = select(ConnectorEvent.id).where(
            ConnectorEvent.connector == connector, ConnectorEvent.event_id == event_id
        )
        return self.session.scalar(stmt) is not None

    def of_object(self, connector: str, object_id: str) -> list[ConnectorEvent]:
        stmt = (
            select(ConnectorEvent)
            .where(ConnectorEvent.connector == connector, ConnectorEvent.object_id == object_id)
            .order_by(ConnectorEvent.occurred_at, ConnectorEvent.event_id)
        )
        return list(self.session.scalars(stmt))

    def last_received(self, connector: str) -> tuple[datetime | None, int]:
        stmt = select(func.max(ConnectorEvent.received_at), func.count()).where(
            ConnectorEvent.connector == connector
        )
        last, count = self.session.execute(stmt).one()
        return last, int(count)


class SyncRunRepository(Repository[SyncRun]):
    model = SyncRun

    def latest(self, connector: str) -> SyncRun | None:
        stmt = (
            select(SyncRun)
            .where(SyncRun.connector == connector)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        )
        return self.session.scalars(stmt).first()

    def since(self, connector: str, start: datetime) -> SyncRun | None:
        """The connector's run started at or after ``start`` (a day of webhook deliveries)."""
        stmt = (
            select(SyncRun)
            .where(SyncRun.connector == connector, SyncRun.started_at >= start)
            .order_by(SyncRun.started_at.desc())
        )
        return self.session.scalars(stmt).first()

    def last_fingerprint(self, connector: str, detail: str) -> str | None:
        """The fingerprint of the last export of ``detail`` (a URL) that was imported."""
        stmt = (
            select(SyncRun.fingerprint)
            .where(SyncRun.connector == connector, SyncRun.detail == detail,
                   SyncRun.fingerprint.is_not(None))
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        )  # fmt: skip
        return self.session.scalars(stmt).first()

    def connectors(self) -> list[str]:
        return list(self.session.scalars(select(SyncRun.connector).distinct()))
