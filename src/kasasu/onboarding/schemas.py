"""Onboarding as written (a template in YAML or JSON) and as read back (plans and steps)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from kasasu.domain.choices import GoalStatus, MeetingKind, MeetingStatus, Rsvp, StepSide
from kasasu.kit.types import (
    INPUT_CONFIG,
    MAX_INTEGER,
    READ_CONFIG,
    Day,
    ExternalId,
    LocalText,
    Name,
    RowId,
    UTCDatetime,
)

Position = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
Strict = ConfigDict(extra="forbid")
# Written once, or in both languages ({ja, en}): shown in the reader's language.
Title = LocalText | Annotated[str, Field(min_length=1, max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]


class StepLink(BaseModel):
    """A step's link as its template stores it: the pages make it a link only when it is a
    web address (http or https)."""

    title: LocalText | str
    url: str


class MilestoneCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId
    plan: Name
    name: Name
    position: Position = 0
    is_first_value: bool = False
    due_date: Day | None = None
    done_at: UTCDatetime | None = None


class MilestoneRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int
    plan: str
    name: str
    position: int
    is_first_value: bool
    due_date: Day | None
    done_at: datetime | None
    onboarding_id: int | None = None
    step_key: str | None = None
    stage: str | None = None
    side: StepSide = StepSide.CS
    completion_event: str | None = None
    task_id: int | None = None
    done_by: int | None = None
    # From its template, in both languages when written so (the name and stage above are
    # in the language the plan was started in).
    title: LocalText | str | None = None
    stage_title: LocalText | str | None = None
    links: list[StepLink] = Field(default_factory=list)  # guides, articles, webinars


class LinkIn(BaseModel):
    """A guide, help article or webinar the step points the reader to."""

    model_config = Strict
    title: Title
    url: HttpUrl


class StepIn(BaseModel):
    model_config = Strict
    key: Key
    title: Title
    side: StepSide = StepSide.CS
    due_days: int = Field(ge=0, le=3650)  # after the plan's start (the contract start)
    # A usage event that completes the step by itself once seen after the start.
    completion_event: str | None = Field(default=None, min_length=1, max_length=200)
    first_value: bool = False
    links: list[LinkIn] = Field(default_factory=list, max_length=10)


class StageIn(BaseModel):
    model_config = Strict
    title: Title
    steps: list[StepIn] = Field(min_length=1, max_length=50)


class TemplateDefinition(BaseModel):
    """An onboarding plan template (docs/onboarding.md)."""

    model_config = Strict
    name: Key
    title: Title
    description: str | None = Field(default=None, max_length=2000)
    # Account fields an account must match for this template to be its plan ({}: any).
    applies_to: dict[str, str] = Field(default_factory=dict)
    segment: Key | None = None  # and, when named, a member of this segment
    priority: int = Field(default=100, ge=0, le=10_000)
    stages: list[StageIn] = Field(min_length=1, max_length=20)

    def fields_match(self, fields: Mapping[str, object]) -> bool:
        """Whether an account with these field values meets ``applies_to`` (its segment
        is checked apart)."""
        return all(str(fields.get(k)) == v for k, v in self.applies_to.items())

    def steps(self) -> list[tuple[StageIn, StepIn]]:
        return [(stage, step) for stage in self.stages for step in stage.steps]


class TemplateRead(BaseModel):
    name: str
    version: int
    created_at: datetime
    definition: dict[str, Any]


class OnboardingStart(BaseModel):
    """Start a plan on an account: the template that applies to it unless one is named;
    from its first contract's start unless a day is given."""

    model_config = INPUT_CONFIG
    template: Key | None = None
    started_on: Day | None = None


class OnboardingRead(BaseModel):
    id: int
    account_id: int
    template: str
    title: LocalText | str
    version: int
    started_on: date
    first_value_at: datetime | None
    steps: list[MilestoneRead]


# The board's status filter: plans with a step open, completed ones, or both.
BoardStatus = Literal["open", "done", "all"]
FINISHED: dict[str, bool | None] = {"open": False, "done": True, "all": None}


class BoardRow(BaseModel):
    plan_id: int
    account_id: int
    account: str
    owner_id: int | None
    template: str
    template_title: LocalText | str
    started_on: date
    steps: int
    done: int
    late: int = Field(description="Open steps past their due date")
    next_step: LocalText | str | None = Field(description="The first open step's title")
    next_links: list[StepLink] = Field(default_factory=list, description="Its links")
    next_due: date | None = Field(description="The soonest due date of an open step")
    last_due: date | None
    days_in: int = Field(description="Days since the plan started")
    days_to_value: int | None = Field(description="Days from the start to first value")


class TemplateValue(BaseModel):
    template: str
    plans: int = Field(description="Plans of live accounts that reached first value")
    median_days: float = Field(description="Median days from the start to first value")


class FunnelStep(BaseModel):
    """One step of a template over every live account's plan: how many did it, and how
    many stand still at it (it is their first open step)."""

    template: str
    step_key: str
    title: LocalText | str
    plans: int
    done: int
    stalled: int
    links: list[StepLink] = Field(default_factory=list)


class OnboardingBoard(BaseModel):
    """Every plan of a live account (churned ones left out), a page at a time; the counts
    cover every plan the filters keep."""

    today: date
    total: int
    rows: list[BoardRow]
    time_to_value: list[TemplateValue]
    funnel: list[FunnelStep]


GoalText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class GoalCreate(BaseModel):
    model_config = INPUT_CONFIG
    objective: GoalText = Field(description="The objective (導入目的) it serves")
    title: GoalText = Field(description="The measurable goal")
    target_date: Day | None = None
    status: GoalStatus = GoalStatus.PLANNED


class GoalUpdate(BaseModel):
    model_config = INPUT_CONFIG
    objective: GoalText | None = None
    title: GoalText | None = None
    target_date: Day | None = None
    status: GoalStatus | None = None


class GoalRead(BaseModel):
    model_config = READ_CONFIG
    id: int
    account_id: int
    objective: str
    title: str
    target_date: Day | None
    status: GoalStatus


class Objective(BaseModel):
    title: str
    goals: list[GoalRead]


class SuccessPlan(BaseModel):
    """The customer's objectives in the order first written, each with its goals."""

    account_id: int
    objectives: list[Objective]


class PlanLinkRead(BaseModel):
    model_config = READ_CONFIG
    id: int
    account_id: int
    locale: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class SharedPlan(BaseModel):
    """What the customer sees behind a link: their plan and the steps that are theirs."""

    account: str
    locale: str
    expires_at: datetime
    plan: SuccessPlan
    onboarding: OnboardingRead | None


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


StepState = Literal["upcoming", "due", "overdue"]


class AgendaStep(BaseModel):
    id: int
    title: str = Field(description="In the customer's language when the template has it")
    due_date: Day | None
    state: StepState = Field(
        description="`overdue`: past its due date; `due`: due within the reminder window; "
        "`upcoming`: later or without a due date"
    )


class AgendaMeeting(BaseModel):
    id: int
    kind: MeetingKind
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str | None


class CustomerAgenda(BaseModel):
    """The customer's side of the plan: their open steps (soonest due first) and the
    meetings still to come: what the in-app checklist reminds them of."""

    account_id: int
    locale: str
    today: date
    steps: list[AgendaStep]
    meetings: list[AgendaMeeting]
