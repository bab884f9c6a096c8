"""Survey campaigns (アンケート配信): what goes in and what comes out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from kasasu.domain.choices import SurveyKind
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, ExternalId, RowId, ShortText

CampaignName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^\S+$")
]
CampaignStatus = Literal["draft", "sent", "closed"]


class CampaignCreate(BaseModel):
    model_config = INPUT_CONFIG

    name: CampaignName
    kind: SurveyKind = SurveyKind.NPS
    question_ja: ShortText | None = None  # default: the standard question of the kind
    question_en: ShortText | None = None
    followup_ja: ShortText | None = None
    followup_en: ShortText | None = None
    segment: str | None = Field(default=None, description="Audience: a segment's name")
    contacts: list[RowId | ExternalId] = Field(
        default_factory=list, description="Audience: contact ids and/or emails"
    )
    channel_email: bool = True
    channel_page: bool = False
    channel_widget: bool = False
    throttle_days: int | None = Field(default=None, ge=0, le=3650)
    expires_days: int | None = Field(default=None, ge=1, le=365)


class CampaignRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    name: str
    public_id: str
    kind: SurveyKind
    question_ja: str | None
    question_en: str | None
    followup_ja: str | None
    followup_en: str | None
    segment: str | None
    audience: list[int | str]
    channel_email: bool
    channel_page: bool
    channel_widget: bool
    status: str
    throttle_days: int
    expires_days: int
    created_at: datetime
    sent_at: datetime | None
    scheduled_for: date | None = None  # a draft that the daily refresh of that day sends


class SendOutcome(BaseModel):
    campaign: str
    dry_run: bool
    audience: int  # contacts in the audience with an email
    invited: int  # new invitations (not throttled)
    throttled: int  # surveyed within the throttle window: skipped
    sent: int  # emails sent by this call (0 on a dry run)
    failed: int = 0
    recipients: list[str] = Field(default_factory=list)  # emails (a dry run lists them)


class RemindOutcome(BaseModel):
    campaign: str
    reminded: int
    failed: int = 0


class ScoreSummary(BaseModel):
    """The campaign's answers of one group (all, or one plan)."""

    group: str | None  # the plan; None for the whole campaign
    answers: int
    sent: int
    response_rate: float | None  # answered ÷ sent
    nps: float | None = None
    nps_low: float | None = None  # 95% interval
    nps_high: float | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    csat: float | None = None  # share of 4–5
    ces: float | None = None  # mean


class CampaignResults(BaseModel):
    campaign: CampaignRead
    total: ScoreSummary
    by_plan: list[ScoreSummary]


class WidgetSetup(BaseModel):
    """How to put a campaign's widget in the customer's product (docs/surveys-widget.md)."""

    model_config = READ_CONFIG

    campaign: str
    public_id: str
    enabled: bool = Field(description="The campaign asks through the widget")
    script: str = Field(description="The widget script's address")
    snippet: str = Field(description="The tag to put in the product's pages")
    algorithm: Literal["HMAC-SHA256"] = "HMAC-SHA256"
    signature: str = Field(description="How the backend computes data-signature")
    signing_key: str | None = Field(
        description="The campaign's key (leaders and admins only; keep it on the server)"
    )
    origins: list[str] = Field(description="Sites allowed to call the widget's endpoints")
