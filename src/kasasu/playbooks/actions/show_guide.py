"""Show an in-app guide to the account's users (``show_guide``: a walkthrough when usage of
a feature drops, say) or an announcement (``announce``: a modal or banner): the guide,
targeted at assigned accounts, shows to them for the days given (docs/guides.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.errors import NotFound
from kasasu.guides.assignments import assign_guide
from kasasu.kit.i18n import Message, _
from kasasu.playbooks.action_schemas import AnnounceAction, ShowGuideAction
from kasasu.playbooks.actions.base import ActionKind, Started, Step
from kasasu.playbooks.variables import FiringContext


def plan(action: ShowGuideAction | AnnounceAction, c: FiringContext) -> Step:
    return Step(
        action.type,
        {
            "account_id": c.account.id,
            "guide": action.guide,
            "days": action.days,
            "day": c.day.isoformat(),
        },
    )


def describe(p: Mapping[str, Any]) -> Message:
    return _("show the guide {guide} for {days} days", guide=p["guide"], days=p["days"])


def perform(session: Session, started: Started) -> dict[str, Any]:
    p = started.payload
    # Shown from the firing day for the days given (to the end of the last one, in UTC).
    until = datetime.combine(date.fromisoformat(p["day"]), time(), UTC) + timedelta(p["days"])
    try:
        new = assign_guide(session, p["guide"], p["account_id"], now=datetime.now(UTC), until=until)
    except NotFound as exc:  # the guide was deleted since the playbook was written
        return {"assigned": False, "reason": exc.message.render("en")}
    return {"assigned": True, "new": new, "guide": p["guide"]}


SHOW = ActionKind(
    type="show_guide",
    schema=ShowGuideAction,
    label=_("Show an in-app guide"),
    tally_label=_("Guides shown"),
    plan=plan,
    describe=describe,
    perform=perform,
)
ANNOUNCE = ActionKind(
    type="announce",
    schema=AnnounceAction,
    label=_("Announce in the product"),
    tally_label=_("Announcements made"),
    plan=plan,
    describe=describe,
    perform=perform,
)
