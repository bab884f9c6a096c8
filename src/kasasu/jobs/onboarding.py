"""The refresh of today ticks the onboarding steps done outside a plan's page: those whose
task was marked done, and those whose completion event the product sent (before the
features are computed, so today's score sees them)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.db.audit import through
from kasasu.onboarding.service import complete_by_events, complete_by_tasks


def track_onboarding(engine: Engine, events_path: Path | None) -> int:
    """The number of steps ticked."""
    with transaction(session_factory(engine), write=True) as session, through("onboarding"):
        ticked = complete_by_tasks(session)
        if events_path is not None:
            ticked += complete_by_events(session, events_path)
        return ticked
