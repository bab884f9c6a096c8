"""The event form: what it posts (times as wall time in the reader's zone), the schema it
becomes (the API's, so one set of rules checks both), and the form filled from an event."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.web.guide_form import _local, _moment  # the same datetime-local fields
from kasasu.webinars.schemas import WebinarCreate, WebinarRead, WebinarUpdate

_Short = Field(default="", max_length=300)
_Long = Field(default="", max_length=20_000)
_Url = Field(default="", max_length=2000)


class WebinarForm(BaseModel):
    kind: str = Field(default="webinar", max_length=32)
    title_ja: str = _Short
    title_en: str = _Short
    description_ja: str = _Long
    description_en: str = _Long
    starts_at: str = Field(default="", max_length=40)
    ends_at: str = Field(default="", max_length=40)
    join_url: str = _Url
    capacity: str = Field(default="", max_length=10)
    waitlist: str = Field(default="", max_length=10)
    segment: str = Field(default="", max_length=100)
    reminder_hours: str = Field(default="24", max_length=10)
    recording_url: str = _Url

    def values(self, zone: str) -> dict[str, object]:
        """The fields as the schemas take them; a missing time is named here."""
        moments = {
            name: _moment(name, getattr(self, name), zone) for name in ("starts_at", "ends_at")
        }
        for name, moment in moments.items():
            if moment is None:
                reason = _("Enter when the event starts and ends")
                raise InvalidInput(reason, [FieldError((name,), reason)])
        return {
            "kind": self.kind,
            "title": {"ja": self.title_ja.strip(), "en": self.title_en.strip()},
            "description": {"ja": self.description_ja, "en": self.description_en},
            **moments,
            "join_url": self.join_url.strip() or None,
            "capacity": self.capacity.strip() or None,
            "waitlist": bool(self.waitlist),
            "segment": self.segment.strip() or None,
            "reminder_hours": self.reminder_hours.strip() or 24,
            "recording_url": self.recording_url.strip() or None,
        }

    def created(self, zone: str) -> WebinarCreate:
        return WebinarCreate.model_validate(self.values(zone))

    def updated(self, zone: str) -> WebinarUpdate:
        return WebinarUpdate.model_validate(self.values(zone))


def form_of(webinar: WebinarRead | None, zone: str) -> WebinarForm:
    if webinar is None:
        return WebinarForm(waitlist="on", starts_at=_local(datetime.now(UTC), zone))
    return WebinarForm(
        kind=webinar.kind.value,
        title_ja=webinar.title.get("ja", ""),
        title_en=webinar.title.get("en", ""),
        description_ja=webinar.description.get("ja", ""),
        description_en=webinar.description.get("en", ""),
        starts_at=_local(webinar.starts_at, zone),
        ends_at=_local(webinar.ends_at, zone),
        join_url=webinar.join_url or "",
        capacity="" if webinar.capacity is None else str(webinar.capacity),
        waitlist="on" if webinar.waitlist else "",
        segment=webinar.segment or "",
        reminder_hours=str(webinar.reminder_hours),
        recording_url=webinar.recording_url or "",
    )
