"""Several users' guide events recorded at once (the demo's replay) keep each user apart
and count a retried event once, as one user's batch does through the SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.demo.guides import ENVIRONMENT, GUIDES, ORIGINS, TOUR
from kasasu.guides.authoring import create_guide, parse_guides, publish
from kasasu.guides.progress import record_batches
from kasasu.guides.schemas import EnvironmentCreate, SdkEvent
from kasasu.guides.service import create_environment
from kasasu.models import Account, GuideViewer

AT = datetime(2026, 11, 2, 1, tzinfo=UTC)


def _event(event_id: str, name: str, second: int, **more: object) -> SdkEvent:
    properties = {"guide": TOUR, "version": 1, **more}
    return SdkEvent(
        id=event_id, name=name, at=AT + timedelta(seconds=second), properties=properties
    )


def test_batches_of_several_users_and_accounts(session: Session) -> None:
    create_environment(session, EnvironmentCreate(name=ENVIRONMENT, origins=list(ORIGINS)))
    for guide in parse_guides(GUIDES.read_text(encoding="utf-8"), GUIDES.name, ENVIRONMENT):
        create_guide(session, guide)
        publish(session, guide.key, by=None, now=AT - timedelta(days=1))
    a, b = Account(external_id="P-1", name="一"), Account(external_id="P-2", name="二")
    session.add_all([a, b])
    session.flush()
    shown, step = _event("s1", "guide_shown", 0), _event("t1", "guide_step_completed", 5, step=0)
    record_batches(
        session,
        [
            (a.id, "u-1", [shown, step]),
            (a.id, "u-2", [_event("s2", "guide_shown", 1), _event("d2", "guide_dismissed", 9)]),
            (b.id, "u-1", [_event("s3", "guide_shown", 2)]),  # the same user key, another account
            (a.id, "u-1", [shown, _event("s4", "guide_shown", 30)]),  # s1 again: a retry
            (b.id, "u-9", [_event("x", "guide_shown", 3, guide="no-such-guide")]),
        ],
    )
    rows = session.scalars(
        select(GuideViewer).order_by(GuideViewer.account_id, GuideViewer.user_key)
    )
    found = [(r.account_id, r.user_key, r.shows, r.steps_done, r.dismissed_at) for r in rows]
    # By hand: u-1 of P-1 shown at 0 and 30 s (s1 once), one step; u-2 shown and dismissed at
    # 9 s; u-1 of P-2 shown once; u-9's unknown guide leaves no row.
    assert found == [
        (a.id, "u-1", 2, 1, None),
        (a.id, "u-2", 1, 0, AT + timedelta(seconds=9)),
        (b.id, "u-1", 1, 0, None),
    ]
