"""An account's timeline merges what people and playbooks did, newest first, each with who."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.activities.schemas import ActivityRead
from kasasu.domain.choices import ActivityKind, RenewalOutcome
from kasasu.models import Activity, Renewal, Subscription, Task
from kasasu.playbooks.schemas import PlannedAction, RunRead
from kasasu.workspace.timeline import account_timeline
from tests.workspace.home_data import add_home_book


def test_activities_tasks_renewals_and_playbooks_newest_first(session: Session) -> None:
    ids = add_home_book(session)
    h1 = ids["H1"]
    session.add(Activity(external_id="ACT-1", account_id=h1, user_id=ids["Baba"],
                         kind=ActivityKind.CALL, subject="更新の相談", body="更新の相談",
                         occurred_at=datetime(2026, 2, 2, 1, tzinfo=UTC)))  # fmt: skip
    done = session.get(Task, ids["T6"])
    assert done is not None
    done.completed_at = datetime(2026, 2, 4, 1, tzinfo=UTC)
    line = session.scalars(select(Subscription).where(Subscription.external_id == "S-H1")).one()
    session.add(Renewal(subscription_id=line.id, renewal_date=date(2026, 2, 28),
                        outcome=RenewalOutcome.RENEWED, decided_by=ids["Aoki"],
                        decided_at=datetime(2026, 2, 6, 1, tzinfo=UTC)))  # fmt: skip
    session.flush()
    activities = [
        ActivityRead.model_validate(a)
        for a in session.scalars(select(Activity).where(Activity.account_id == h1))
    ]
    run = RunRead(id=1, playbook="usage-drop", account_id=h1, account="株式会社H1",
                  window="manual", fired_on=date(2026, 2, 8), trigger={},
                  actions=[PlannedAction(kind="task", summary="task to Aoki", status="done")],
                  created_at=datetime(2026, 2, 8, 1, tzinfo=UTC))  # fmt: skip
    entries = account_timeline(
        session, h1, activities=activities, runs=[run], contacts=[], locale="en"
    )
    assert [(e.kind, e.title, e.who) for e in entries] == [
        ("playbook", "Playbook usage-drop ran", "usage-drop"),
        ("renewal", "Renewal of 2026-02-28: Renewed", "Aoki"),
        ("task", "Task done: task T6", "Aoki"),
        ("activity", "Call: 更新の相談", "Baba"),
    ]
    assert entries[0].detail == "task to Aoki"
