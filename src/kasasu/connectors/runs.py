"""Each connector's runs, kept for the sync status: when, how many rows, which errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasasu.connectors.repository import ConnectorEventRepository, SyncRunRepository
from kasasu.connectors.schemas import MAX_KEPT_ERRORS, ConnectorStatus, SyncError
from kasasu.domain.dates import local_midnight, today_in
from kasasu.models import SyncRun


def record_delivery(session: Session, connector: str, errors: list[SyncError], zone: str) -> None:
    """Count one webhook event in the connector's run for today (one run per local day)."""
    today = today_in(zone)
    repo = SyncRunRepository(session)
    run = repo.since(connector, local_midnight(today, zone))
    if run is None:
        run = repo.add(SyncRun(connector=connector, rows=0, error_count=0, errors=[]))
        run.detail = "webhook"
    _count(run, 1, errors)
    run.finished_at = datetime.now(UTC)
    session.flush()


def record_run(
    session: Session,
    connector: str,
    started: datetime,
    *,
    rows: int,
    errors: list[SyncError],
    detail: str | None = None,
    fingerprint: str | None = None,
) -> SyncRun:
    """A finished run (a backfill, a file sync): its rows and errors."""
    run = SyncRunRepository(session).add(
        SyncRun(connector=connector, started_at=started, rows=0, error_count=0, errors=[],
                fingerprint=fingerprint)
    )  # fmt: skip
    run.detail = detail[:500] if detail else None
    _count(run, rows, errors)
    run.finished_at = datetime.now(UTC)
    session.flush()
    return run


def _count(run: SyncRun, rows: int, errors: list[SyncError]) -> None:
    run.rows += rows
    run.error_count += len(errors)
    room = MAX_KEPT_ERRORS - len(run.errors)
    if room > 0 and errors:
        # A new list: the JSON column is saved when it is assigned, not when it is mutated.
        run.errors = [*run.errors, *(e.model_dump() for e in errors[:room])]


def sync_status(session: Session, connectors: Iterable[str] = ()) -> list[ConnectorStatus]:
    """The latest run of every connector that ran (and of ``connectors``, even if never)."""
    repo = SyncRunRepository(session)
    names = sorted({*repo.connectors(), *connectors})
    out = []
    for name in names:
        run = repo.latest(name)
        out.append(
            ConnectorStatus(
                connector=name,
                last_run=run.started_at if run else None,
                finished=run.finished_at if run else None,
                rows=run.rows if run else 0,
                error_count=run.error_count if run else 0,
                errors=[SyncError.model_validate(e) for e in run.errors] if run else [],
                detail=run.detail if run else None,
            )
        )
    return out


def events_received(session: Session, connector: str) -> tuple[datetime | None, int]:
    """When the connector's last event arrived, and how many it stored in all."""
    return ConnectorEventRepository(session).last_received(connector)


def last_fingerprint(session: Session, connector: str, detail: str) -> str | None:
    """What the last import of this export read (None: never imported)."""
    return SyncRunRepository(session).last_fingerprint(connector, detail)
