"""Customer events (webinars, seminars, user meetings, trainings) as written by the team and
read back, with their registrations, attendance imports and report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from kasasu.domain.choices import EventKind, RegistrationStatus
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, UTCDatetime

Vendor = Literal["zoom", "teams", "meet"]
AttendanceSource = Literal["zoom", "teams", "meet", "hand"]
_Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)]


class Texts(BaseModel):
    """A text in Japanese, English or both (one may be empty)."""

    model_config = INPUT_CONFIG

    ja: str = Field(default="", max_length=20_000)
    en: str = Field(default="", max_length=20_000)


class Title(Texts):
    ja: str = Field(default="", max_length=300)
    en: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _one_at_least(self) -> Title:
        if not (self.ja.strip() or self.en.strip()):
            raise ValueError("a title in Japanese or English is required")
        return self


class WebinarCreate(BaseModel):
    model_config = INPUT_CONFIG

    kind: EventKind = EventKind.WEBINAR
    title: Title
    description: Texts = Field(default_factory=Texts, description="Markdown, sanitised")
    starts_at: UTCDatetime
    ends_at: UTCDatetime
    join_url: _Url | None = Field(default=None, description="Sent to those registered")
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="None: no limit")
    waitlist: bool = Field(default=True, description="When full: a waiting list, else refused")
    segment: str | None = Field(default=None, max_length=100, description="Contacts invited")
    reminder_hours: int = Field(default=24, ge=1, le=336)
    recording_url: _Url | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> WebinarCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class WebinarUpdate(BaseModel):
    model_config = INPUT_CONFIG

    kind: EventKind | None = None
    title: Title | None = None
    description: Texts | None = None
    starts_at: UTCDatetime | None = None
    ends_at: UTCDatetime | None = None
    join_url: _Url | None = None
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    waitlist: bool | None = None
    segment: str | None = Field(default=None, max_length=100)
    reminder_hours: int | None = Field(default=None, ge=1, le=336)
    recording_url: _Url | None = None


class Counts(BaseModel):
    invited: int = 0  # invited and not (yet) registered
    registered: int = 0  # holding a seat (attended or not)
    waitlisted: int = 0
    cancelled: int = 0
    attended: int = 0
    no_shows: int = 0  # registered, the event over, and not attended


class WebinarRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    kind: EventKind
    title: dict[str, str]
    description: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    join_url: str | None
    capacity: int | None
    waitlist: bool
    segment: str | None
    reminder_hours: int
    recording_url: str | None
    cancelled_at: datetime | None
    attendance_taken_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebinarSummary(BaseModel):
    """An event with its counts: a row of the list and the head of its page."""

    webinar: WebinarRead
    counts: Counts


class RegistrationRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    webinar_id: int
    contact_id: int
    account_id: int
    status: RegistrationStatus
    source: str
    invited_at: datetime | None
    registered_at: datetime | None
    cancelled_at: datetime | None
    attended_at: datetime | None
    attended_minutes: int | None
    attendance_source: str | None
    no_show_at: datetime | None


class Registrant(BaseModel):
    """A registration with the person and company it is for (the staff's lists)."""

    registration: RegistrationRead
    contact_name: str
    contact_email: str | None
    account_name: str
    no_show: bool


class InviteOutcome(BaseModel):
    invited: int  # new invitations
    already: int  # contacts invited or registered before
    without_email: int  # contacts of the segment's accounts that have no address


class AttendanceRow(BaseModel):
    """One person in a meeting tool's attendance export, their sessions added up."""

    email: str
    name: str = ""
    joined_at: datetime | None = None
    minutes: int = Field(default=0, ge=0)


class AttendanceOutcome(BaseModel):
    vendor: Vendor
    rows: int  # people in the file (after adding up each one's sessions)
    attended: int  # registrations marked attended by this import
    walk_ins: int  # of them, contacts who came without registering
    unmatched: list[str]  # addresses of no contact in Kasasu
    no_shows: int  # registrations that are no-shows once this import is taken
    without_email: int = 0  # people in the file without an address (guests): not matched


class CheckIn(BaseModel):
    model_config = INPUT_CONFIG

    registration_ids: list[int] = Field(max_length=10_000)
    minutes: int | None = Field(default=None, ge=0, le=100_000)


class EventFigures(BaseModel):
    """One event's line of the report."""

    id: int
    title: dict[str, str]
    kind: EventKind
    starts_at: datetime
    registered: int
    attended: int
    no_shows: int
    attendance_rate: float | None  # attended ÷ registered (the event over); None before


class CohortFigures(BaseModel):
    """Accounts of one side (attendees or not) of one segment, by the KPI definitions over
    the 12 months compared: how many were members, how many of them paying at the start
    (the base of every rate), churned and expanded by the end; logo retention (1 − logo
    churn rate), GRR, NRR and the upsell rate (the expansion share)."""

    members: int  # accounts of the segment on this side, paying or not
    accounts: int  # of them, paying at the start: the base of the rates
    churned: int
    expanded: int  # grew MRR on products they had (the upsell rate's numerator)
    logo_retention: float | None
    grr: float | None
    nrr: float | None
    expansion_share: float | None


class SegmentComparison(BaseModel):
    segment: str  # the segment (or touch model) the accounts were matched by
    matched_by: Literal["segment", "touch_model"]
    attendees: CohortFigures
    others: CohortFigures


class CohortComparison(BaseModel):
    """Attendees' accounts against the others of their segment over 12 months: the costly
    half of the report, computed once per state of the data (kasasu.workspace.webinars)."""

    comparison: list[SegmentComparison]
    window_start: datetime  # attendance counted in [window_start, cohort_start)
    cohort_start: datetime  # the start of the 12 months compared
    cohort_end: datetime
    months: int = 12


class WebinarReport(CohortComparison):
    events: list[EventFigures]  # a page of the events over, the latest first
    events_total: int  # every event over, all pages
    partial: bool  # the 12 months are not over: contracts count as they stand today


class PortalEvent(BaseModel):
    """An event as a customer's contact sees it in the portal, with their own place."""

    id: int
    kind: EventKind
    title: str
    html: str = Field(description="The description, sanitised HTML")
    starts_at: datetime
    ends_at: datetime
    status: RegistrationStatus | None  # the contact's; None: not registered nor invited
    attended: bool = False
    recording_url: str | None = None


class PortalEvents(BaseModel):
    upcoming: list[PortalEvent]  # every event to come meant for the contact's company
    past: list[PortalEvent]  # the latest events over the contact had a seat at
    past_total: int
