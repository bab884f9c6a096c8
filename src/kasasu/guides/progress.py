"""What the SDK reports of a guide (shown, a step done, completed, dismissed): kept per user
for the frequency caps and the guide report, and a completion ticks the onboarding steps
waiting for ``guide_completed:<key>``. The events themselves go to the event store like any
usage event (the usage features leave them out: a guide shown is not use of the product);
scorecards and segments read the guides through the account features (``guide.KEY``,
``guides_completed_90d``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kasasu.domain.guides import COMPLETED, GUIDE_EVENTS, SHOWN, STEP
from kasasu.guides.repository import GuideRepository, ViewerRepository
from kasasu.guides.schemas import SdkEvent
from kasasu.models import GuideViewer
from kasasu.onboarding.service import complete_by_event

KEPT_IDS = 200  # a user's events on one guide: its shows (capped), steps, end


def completion_event(key: str) -> str:
    """What an onboarding step names as its completion event to be ticked by this guide."""
    return f"{COMPLETED}:{key}"


Batch = tuple[int, str, Sequence[SdkEvent]]  # (account id, user, what the SDK sent)


def record_guide_events(
    session: Session, account_id: int, user: str, events: Sequence[SdkEvent]
) -> None:
    record_batches(session, [(account_id, user, events)])


def record_batches(session: Session, batches: Sequence[Batch]) -> None:
    """Several users' batches with one lookup of their guides and their rows (the demo
    replays two thousand users' tours; the SDK sends one user's batch at a time)."""
    about = [(account, user, _about_guides(events)) for account, user, events in batches]
    about = [(account, user, events) for account, user, events in about if events]
    if not about:
        return
    guides = GuideRepository(session)
    viewers = ViewerRepository(session)
    keys = {str(e.properties["guide"]) for _a, _u, events in about for e in events}
    named = {key: guides.by_key(key) for key in sorted(keys)}
    wanted = {
        (named_guide.id, account, user)
        for account, user, events in about
        for e in events
        if (named_guide := named[str(e.properties["guide"])]) is not None
    }
    seen = viewers.ensure_all(wanted)
    for account, user, events in about:
        for event in events:
            guide = named[str(event.properties["guide"])]
            if guide is None:
                continue
            viewer = seen[guide.id, account, user]
            if event.id in viewer.taken:
                continue  # sent before (a retried batch)
            viewer.taken = [*viewer.taken[-(KEPT_IDS - 1) :], event.id]
            _apply(session, viewer, event, account, guide.key)
    session.flush()


def _about_guides(events: Sequence[SdkEvent]) -> list[SdkEvent]:
    return sorted(
        (
            e
            for e in events
            if e.name in GUIDE_EVENTS and isinstance(e.properties.get("guide"), str)
        ),
        key=lambda e: e.at,
    )


def _apply(
    session: Session, viewer: GuideViewer, event: SdkEvent, account_id: int, key: str
) -> None:
    at: datetime = event.at
    if event.name == SHOWN:
        viewer.shows += 1
        viewer.first_shown_at = viewer.first_shown_at or at
        viewer.last_shown_at = at
    elif event.name == STEP:
        step = event.properties.get("step")
        if isinstance(step, int) and 0 <= step < 100:
            viewer.steps_done = max(viewer.steps_done, step + 1)
    elif event.name == COMPLETED:
        if viewer.completed_at is None:
            viewer.completed_at = at
            complete_by_event(session, account_id, completion_event(key), at)
    elif viewer.dismissed_at is None:
        viewer.dismissed_at = at
