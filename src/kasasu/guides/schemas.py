"""The SDK's environments (where a product sends from, with its keys and origins) and the
batches of events its script sends."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from kasasu.domain.choices import GuideKind, LifecycleStage, TouchModel
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, LocalText

EnvironmentName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
]
# An origin as a browser sends it: scheme, host and port, nothing after.
Origin = Annotated[str, StringConstraints(pattern=r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$")]


class EnvironmentCreate(BaseModel):
    model_config = INPUT_CONFIG
    name: EnvironmentName
    origins: list[Origin] = Field(min_length=1, max_length=50)


class EnvironmentRead(BaseModel):
    model_config = READ_CONFIG
    id: int
    name: str
    public_key: str
    origins: list[str]
    enabled: bool
    created_at: datetime


class SdkEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a newer script may send more
    id: str = Field(min_length=1, max_length=100, description="The script's id of the event")
    name: str = Field(min_length=1, max_length=200)
    at: AwareDatetime
    url: str | None = Field(default=None, max_length=2000)
    properties: dict[str, Any] = Field(default_factory=dict)


class SdkIdentity(BaseModel):
    """Who asks, as the SDK's batches say it (signed by the product's server)."""

    model_config = ConfigDict(extra="ignore")
    environment: str = Field(min_length=1, max_length=100, description="Its public key")
    account: str = Field(min_length=1, max_length=200, description="The account's external id")
    user: str = Field(min_length=1, max_length=200)
    signature: str | None = Field(
        default=None,
        max_length=128,
        description='hex(HMAC-SHA256(environment secret, account + ":" + user))',
    )


class SdkBatch(SdkIdentity):
    events: list[SdkEvent] = Field(min_length=1, max_length=100)


class SdkAccepted(BaseModel):
    received: int
    stored: int = Field(description="New events; the others were sent before")


# A guide's texts, written once or in both languages ({ja, en}); the user's locale picks.
GuideText = LocalText | Annotated[str, Field(min_length=1, max_length=5_000)]
GuideKey = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]
Selector = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# Kinds whose steps point at an element of the page.
ANCHORED = frozenset({GuideKind.TOOLTIP, GuideKind.WALKTHROUGH})


class GuideStep(BaseModel):
    model_config = INPUT_CONFIG
    selector: Selector | None = Field(default=None, description="CSS selector of the element")
    title: GuideText
    body: GuideText | None = Field(default=None, description="Markdown: **bold**, links")
    advance: Literal["next", "click"] = Field(
        default="next", description="next: a Next button; click: a click on the element"
    )


class Targeting(BaseModel):
    """Who sees a guide: every condition given must hold (an empty list asks nothing)."""

    model_config = INPUT_CONFIG
    segments: list[str] = Field(default_factory=list, max_length=50)
    touch_models: list[TouchModel] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list, max_length=50)
    lifecycle_stages: list[LifecycleStage] = Field(default_factory=list)
    onboarding_step_open: str | None = Field(
        default=None, max_length=100, description="Only while this onboarding step is open"
    )
    url: str | None = Field(
        default=None, max_length=500, description="Path pattern, * for any part: /reports/*"
    )
    roles: list[str] = Field(default_factory=list, max_length=50, description="role trait")
    visits_from: int | None = Field(default=None, ge=1, le=100_000)
    visits_to: int | None = Field(default=None, ge=1, le=100_000)
    assigned_only: bool = Field(
        default=False, description="Only accounts a playbook assigned (show_guide, announce)"
    )


class Caps(BaseModel):
    model_config = INPUT_CONFIG
    max_shows: int = Field(default=3, ge=1, le=1_000, description="Per user")
    days_between: int = Field(default=0, ge=0, le=365, description="Between two shows")


class GuideDefinition(BaseModel):
    """What a version of a guide holds (YAML, the API and the web form write it)."""

    model_config = INPUT_CONFIG
    steps: list[GuideStep] = Field(default_factory=list, max_length=20)
    targeting: Targeting = Field(default_factory=Targeting)
    caps: Caps = Field(default_factory=Caps)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    topic: list[str] = Field(
        default_factory=list, max_length=20, description="Words of its topic in tickets"
    )
    survey: str | None = Field(
        default=None,
        max_length=100,
        description="micro-survey: the campaign it asks (open to the widget channel)",
    )

    @model_validator(mode="after")
    def _window(self) -> GuideDefinition:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class GuideWrite(BaseModel):
    model_config = INPUT_CONFIG
    key: GuideKey
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: GuideKind
    environment: str = Field(min_length=1, max_length=100, description="Its name")
    definition: GuideDefinition = Field(default_factory=GuideDefinition)


class GuideRead(BaseModel):
    id: int
    key: str
    name: str
    kind: GuideKind
    environment: str
    draft: GuideDefinition
    published_version: int | None
    published: GuideDefinition | None
    paused: bool
    updated_at: datetime


class GuideAsk(SdkIdentity):
    url: str = Field(default="/", max_length=2000, description="The page's path")
    locale: str | None = Field(default=None, max_length=35)
    traits: dict[str, Any] = Field(default_factory=dict)


class ShownStep(BaseModel):
    selector: str | None
    title: str
    body_html: str
    advance: str


class ChecklistItem(BaseModel):
    title: str
    done: bool
    due_on: str | None
    overdue: bool


class ChecklistMeeting(BaseModel):
    title: str
    starts_at: datetime = Field(description="UTC; the script shows it in the user's zone")
    place: str | None


class SurveyAsk(BaseModel):
    """A micro-survey as the script asks it, in the user's language."""

    campaign: str
    question: str
    followup: str
    low: int
    high: int
    low_label: str
    high_label: str


class ShownGuide(BaseModel):
    key: str
    version: int
    kind: GuideKind
    steps: list[ShownStep]
    items: list[ChecklistItem] = Field(default_factory=list, description="checklist")
    meetings: list[ChecklistMeeting] = Field(
        default_factory=list, description="checklist: the plan's meetings still to come"
    )
    survey: SurveyAsk | None = None


class GuideAnswer(BaseModel):
    guides: list[ShownGuide]
    labels: dict[str, str] = Field(
        default_factory=dict, description="The script's buttons, in the user's language"
    )


class SdkAnswer(SdkIdentity):
    """A micro-survey's answer from the script."""

    guide: GuideKey
    who: str = Field(
        min_length=1, max_length=320, description="The user's email, else their id: a contact"
    )
    score: int = Field(ge=0, le=10)
    comment: str | None = Field(default=None, max_length=5_000)


class SdkAnswered(BaseModel):
    stored: bool = Field(description="False for someone outside the campaign's audience")
