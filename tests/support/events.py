"""Usage events for the event store's tests: one account, one user, one instant."""

from __future__ import annotations

from datetime import UTC, datetime

from kasasu.events.schemas import EventIn


def same_events(*ids: str) -> list[EventIn]:
    """An event per id, otherwise alike (ACC-1, u-42, report_created, 2026-12-04 01:00 UTC)."""
    return [
        EventIn.model_validate(
            {
                "event_id": i,
                "account_id": "ACC-1",
                "user_id": "u-42",
                "event": "report_created",
                "timestamp": datetime(2026, 12, 4, 1, 0, tzinfo=UTC),
            }
        )
        for i in ids
    ]
