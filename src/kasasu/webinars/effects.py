"""What a registration, an attendance and a no-show leave behind: an activity on the
account's timeline (attendance is a ``webinar`` activity, what the engagement measures
count) and, for registration and attendance, a usage event of the account.

Each is written under a key made from the registration, so writing it again changes nothing:
the activity's external id (``webinar-{id}-attended``) and the usage event's id
(``webinar:{id}:attended``). A no-show is not a usage event: it would count as use of the
product in the usage measures (events_30d...), for not coming.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from kasasu.activities.service import activities
from kasasu.domain.choices import ActivityKind
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.kit.types import local_text
from kasasu.models import Webinar, WebinarRegistration
from kasasu.webinars.repository import RegistrationRepository

Outcome = Literal["registered", "attended", "no_show"]
KINDS: dict[Outcome, ActivityKind] = {
    "registered": ActivityKind.EVENT_REGISTRATION,
    "attended": ActivityKind.WEBINAR,
    "no_show": ActivityKind.EVENT_NO_SHOW,
}
USAGE_EVENTS: dict[Outcome, str] = {
    "registered": "webinar_registered",
    "attended": "webinar_attended",
}
SUBJECTS = {  # the team's timeline, in both languages: who reads it is not known here
    "registered": "イベント申込 / Registered: {title}",
    "attended": "イベント参加 / Attended: {title}",
    "no_show": "イベント欠席 / No-show: {title}",
}


def activity_key(registration_id: int, outcome: Outcome) -> str:
    return f"webinar-{registration_id}-{outcome.replace('_', '-')}"


def record(
    session: Session,
    webinar: Webinar,
    rows: Sequence[WebinarRegistration],
    outcome: Outcome,
    *,
    at: datetime,
    events_path: Path | None,
) -> None:
    """The activities (and usage events) of ``outcome`` for ``rows`` of ``webinar``."""
    if not rows:
        return
    title = local_text(webinar.title, "ja") or local_text(webinar.title, "en")
    values = [
        {
            "external_id": activity_key(r.id, outcome),
            "account_id": r.account_id,
            "contact_id": r.contact_id,
            "user_id": None,
            "kind": KINDS[outcome],
            "subject": SUBJECTS[outcome].format(title=title)[:500],
            "body": _body(webinar, r, outcome),
            "occurred_at": _when(webinar, r, outcome, at),
        }
        for r in rows
    ]
    activities.upsert_many(session, values)
    if events_path is not None and outcome in USAGE_EVENTS:
        _usage(session, webinar, rows, outcome, events_path=events_path, at=at)


def forget_no_show(session: Session, registration_id: int) -> None:
    """A no-show found to have attended after all (attendance imported late)."""
    for row_id in activities.ids(
        session, {"external_id": activity_key(registration_id, "no_show")}
    ):
        activities.delete(session, row_id)


def _when(webinar: Webinar, r: WebinarRegistration, outcome: Outcome, at: datetime) -> datetime:
    if outcome == "attended":
        return r.attended_at or webinar.starts_at
    if outcome == "no_show":
        return webinar.ends_at
    return r.registered_at or at


def _body(webinar: Webinar, r: WebinarRegistration, outcome: Outcome) -> str | None:
    if outcome == "attended" and r.attended_minutes is not None:
        return f"{r.attended_minutes} min ({r.attendance_source or 'hand'})"
    if outcome in ("attended", "no_show") and webinar.recording_url:
        return webinar.recording_url
    return None


def _usage(
    session: Session,
    webinar: Webinar,
    rows: Sequence[WebinarRegistration],
    outcome: Outcome,
    *,
    events_path: Path,
    at: datetime,
) -> None:
    external = RegistrationRepository(session).account_external_ids(r.account_id for r in rows)
    events = [
        EventIn.model_validate(
            {
                "event_id": f"webinar:{r.id}:{outcome}",
                "account_id": external[r.account_id],
                "event": USAGE_EVENTS[outcome],
                "timestamp": _when(webinar, r, outcome, at),
                "properties": {"webinar_id": webinar.id, "kind": webinar.kind.value},
            }
        )
        for r in rows
        if r.account_id in external
    ]
    ingest_batch(events_path, events)
