"""Meetings on an account's onboarding plan with the customer's contacts: as written, as read
back, and what a reply link shows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from kasasu.domain.choices import MeetingKind, MeetingStatus, Rsvp
from kasasu.kit.types import INPUT_CONFIG, RowId, UTCDatetime

MeetingTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def _in_range(value: object, handler: ValidatorFunctionWrapHandler) -> datetime:
    """A moment so far out that its UTC is no date (year 1 at +09:00) is refused, not 500."""
    try:
        moment: datetime = handler(value)
    except OverflowError as error:
        raise ValueError("out of range") from error
    return moment


# A meeting's start: from 2000 to 2999 (a calendar's end and a reminder's start stay dates).
MeetingStart = Annotated[
    UTCDatetime,
    Field(
        ge=datetime(2000, 1, 1, tzinfo=UTC),
        lt=datetime(3000, 1, 1, tzinfo=UTC),
        description="With its offset (`2026-12-10T14:00:00+09:00`), from 2000 to 2999",
    ),
    WrapValidator(_in_range),
]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Minutes = Annotated[int, Field(ge=5, le=24 * 60, description="Length in minutes")]
Language = Literal["ja", "en"]


class MeetingCreate(BaseModel):
    """A meeting on the account's plan with the customer's contacts."""

    model_config = INPUT_CONFIG
    kind: MeetingKind
    title: MeetingTitle = Field(default="", description="Empty: the kind's name")
    starts_at: MeetingStart
    duration_minutes: Minutes = 60
    place: Place | None = Field(default=None, description="A room, an address or a URL")
    contact_ids: list[RowId] = Field(
        min_length=1, max_length=50, description="The account's contacts invited"
    )
    locale: Language | None = Field(
        default=None, description="The language of its mail; default the plan's"
    )


class MeetingUpdate(BaseModel):
    """A change to a meeting: a new time, length, place, title or invitees (each change
    sends the invitees an updated invitation)."""

    model_config = INPUT_CONFIG
    kind: MeetingKind | None = None
    title: MeetingTitle | None = None
    starts_at: MeetingStart | None = None
    duration_minutes: Minutes | None = None
    place: Place | None = None
    contact_ids: list[RowId] | None = Field(default=None, min_length=1, max_length=50)
    locale: Language | None = None


class AttendanceIn(BaseModel):
    """Who came: the invitees named attended, the others did not."""

    model_config = INPUT_CONFIG
    attended: list[RowId] = Field(max_length=50, description="Contact ids of those who came")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class InviteeRead(BaseModel):
    contact_id: int
    name: str
    email: str | None
    rsvp: Rsvp
    rsvp_at: datetime | None
    attended: bool | None


class MeetingRead(BaseModel):
    id: int
    account_id: int
    onboarding_id: int
    kind: MeetingKind
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str | None
    status: MeetingStatus
    uid: str = Field(description="The calendar invitation's UID")
    sequence: int = Field(description="The invitation's revision (iCalendar SEQUENCE)")
    locale: str
    invitees: list[InviteeRead] = Field(description="Invited contacts (taken-off ones left out)")


class MeetingReply(BaseModel):
    """What a reply link shows: the meeting, the contact and their reply so far; ``state``
    says whether it can still be answered."""

    state: Literal["open", "past", "cancelled"]
    account: str
    contact: str
    locale: str
    meeting: MeetingRead
    rsvp: Rsvp
