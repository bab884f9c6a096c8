"""Onboarding as written (a template in YAML or JSON) and as read back (plans and steps, the
board, the customer's agenda). Success plans are in success_schemas.py, meetings in
meeting_schemas.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from kasasu.domain.choices import MeetingKind, StepSide
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
