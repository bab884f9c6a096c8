"""An account's timeline (活動履歴): what people and playbooks did, newest first — activities
logged, tasks completed, renewal decisions and playbook runs — each with who did it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.activities.schemas import ActivityRead
from kasasu.contacts.schemas import ContactRead
from kasasu.kit.choices import label
from kasasu.kit.i18n import _
from kasasu.playbooks.schemas import RunRead
from kasasu.subscriptions.renewals import account_renewals
from kasasu.tasks.service import tasks
from kasasu.users.service import user_names

SHOWN = 40  # entries: the latest; each kind's own section or route lists them all

EntryKind = Literal["activity", "task", "renewal", "playbook"]


class TimelineEntry(BaseModel):
    at: datetime
    kind: EntryKind
    title: str = Field(description="What happened, in the reader's language")
    detail: str | None = None
    who: str | None = Field(default=None, description="The person, or the playbook")
    source: str | None = Field(
        default=None, description='What a request heard here names as its source ("activity:12")'
    )


def account_timeline(
    session: Session,
    account_id: int,
    *,
    activities: Sequence[ActivityRead],
    runs: Sequence[RunRead],
    contacts: Sequence[ContactRead],
    locale: str,
) -> list[TimelineEntry]:
    """The latest entries of every kind, merged newest first."""
    done = tasks.list_page(
        session, {"account_id": account_id, "status": "done"}, sort="-completed_at", limit=SHOWN
    ).items
    decisions = account_renewals(session, account_id, SHOWN)
    people = user_names(
        session,
        [a.user_id for a in activities if a.user_id]
        + [t.owner_id for t in done if t.owner_id]
        + [r.decided_by for r in decisions if r.decided_by],
    )
    named = {c.id: c.name for c in contacts}

    def with_whom(a: ActivityRead) -> str | None:
        parts = (
            [_("with {name}", name=named[a.contact_id]).render(locale)]
            if a.contact_id in named
            else []
        )
        if a.body and a.body != a.subject:
            parts.append(a.body)
        return " · ".join(parts) or None

    entries = [
        TimelineEntry(
            at=a.occurred_at, kind="activity", title=f"{label(a.kind).render(locale)}: {a.subject}",
            detail=with_whom(a), who=people.get(a.user_id or 0), source=f"activity:{a.id}",
        )
        for a in activities
    ]  # fmt: skip
    entries += [
        TimelineEntry(
            at=t.completed_at or t.updated_at, kind="task",
            title=_("Task done: {title}", title=t.title).render(locale),
            who=people.get(t.owner_id or 0),
        )
        for t in done
    ]  # fmt: skip
    entries += [
        TimelineEntry(
            at=r.decided_at, kind="renewal",
            title=_("Renewal of {day}: {outcome}", day=r.renewal_date.isoformat(),
                    outcome=label(r.outcome)).render(locale),
            detail=" · ".join(x for x in (label(r.reason).render(locale) if r.reason else "",
                                          r.comment or "") if x) or None,
            who=people.get(r.decided_by or 0),
        )
        for r in decisions
    ]  # fmt: skip
    entries += [
        TimelineEntry(
            at=run.created_at, kind="playbook",
            title=_("Playbook {name} ran", name=run.playbook).render(locale),
            detail="; ".join(a.summary for a in run.actions) or None, who=run.playbook,
        )
        for run in runs
        if run.created_at is not None
    ]  # fmt: skip
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:SHOWN]
