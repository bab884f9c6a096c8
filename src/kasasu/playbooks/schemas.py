"""Playbooks as written in YAML or sent to the API (DESIGN.md §2: trigger + conditions +
actions), and the plan and log read back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kasasu.domain.choices import Priority, SurveyKind
from kasasu.domain.scoring import Band
from kasasu.kit.types import Day, LocalText
from kasasu.segments.schemas import RefreshProblem

Strict = ConfigDict(extra="forbid")
RESERVED_NAMES = frozenset({"log", "preview", "new"})


# A text for one or both languages; in a playbook each is a Jinja2 template.
Text = LocalText | Annotated[str, Field(min_length=1, max_length=20_000)]


# Triggers: what makes a playbook fire for an account on a refresh day.
class BandChanged(BaseModel):
    """Health band became `to` since the previous refresh. Occurrence: the day."""

    model_config = Strict
    type: Literal["band_changed"]
    to: Band


class ScoreDropped(BaseModel):
    """Score fell by `points` or more against the latest refresh at least `days` before.
    Occurrence: the day."""

    model_config = Strict
    type: Literal["score_dropped"]
    points: float = Field(gt=0, le=100)
    days: int = Field(default=7, ge=1, le=365)


class UsageDropped(BaseModel):
    """`usage_trend_30d` is below `below` (−0.3: 30% fewer events than the 30 days before).
    Occurrence: the day."""

    model_config = Strict
    type: Literal["usage_dropped"]
    below: float = Field(default=-0.3, ge=-1, le=0)  # usage_trend_30d under this


class RiskAbove(BaseModel):
    """The churn model's risk (`churn_risk`, the probability of churning within its horizon)
    is above `above` (0.5: more likely to leave than to stay). Occurrence: the day; the
    playbook's cool-down keeps it from firing again every day."""

    model_config = Strict
    type: Literal["risk_above"]
    above: float = Field(default=0.5, gt=0, lt=1)


class NoLogin(BaseModel):
    """No usage event for `days` days or more. Occurrence: the silence (the day of the last
    use)."""

    model_config = Strict
    type: Literal["no_login"]
    days: int = Field(ge=1, le=3650)


class RenewalDue(BaseModel):
    """A contract line ends in `days` days or fewer (and more than `days − catch_up_days`).
    Occurrence: the renewal date."""

    model_config = Strict
    type: Literal["renewal_due"]
    days: int = Field(ge=0, le=730)
    # Fires while the renewal is between days − catch_up_days (exclusive) and days away, so
    # "90 days before" does not also fire for a renewal 20 days away on a first run.
    catch_up_days: int = Field(default=14, ge=1, le=730)


class MilestoneOverdue(BaseModel):
    """An onboarding milestone is `grace_days` past its due date and not done. Occurrence: the
    milestone."""

    model_config = Strict
    type: Literal["milestone_overdue"]
    grace_days: int = Field(default=0, ge=0, le=365)


class TicketEscalated(BaseModel):
    """An open ticket is escalated. Occurrence: the ticket."""

    model_config = Strict
    type: Literal["ticket_escalated"]


class PaymentFailed(BaseModel):
    """A payment of the account failed and is not yet paid (the billing connector's
    invoices: Stripe's `invoice.payment_failed`). Occurrence: the invoice."""

    model_config = Strict
    type: Literal["payment_failed"]


class EventAttended(BaseModel):
    """A contact of the account attended a webinar, seminar, user meeting or training (its
    attendance imported or checked in) in the last `within_days` days. Occurrence: the event;
    an email `to: trigger` goes to those who attended, `{{ trigger.event.recording_url }}`
    is its recording."""

    model_config = Strict
    type: Literal["event_attended"]
    within_days: int = Field(default=14, ge=1, le=90)


class EventNoShow(BaseModel):
    """A contact of the account registered for an event and did not come (the no-show
    recorded in the last `within_days` days). Occurrence: the event; an email `to: trigger`
    goes to those who did not come."""

    model_config = Strict
    type: Literal["event_no_show"]
    within_days: int = Field(default=14, ge=1, le=90)


class CommunityQuestionUnanswered(BaseModel):
    """A question a contact of the account asked in the community has no answer from
    anyone else `hours` hours later (asked in the last `within_days` days; hidden ones
    left out). Occurrence: the question; an email `to: trigger` goes to the asker."""

    model_config = Strict
    type: Literal["community_question_unanswered"]
    hours: int = Field(default=48, ge=1, le=24 * 60)
    within_days: int = Field(default=14, ge=1, le=90)


class FirstPost(BaseModel):
    """A contact of the account started their first community thread in the last
    `within_days` days. Occurrence: the contact (once ever); an email `to: trigger` goes
    to them."""

    model_config = Strict
    type: Literal["first_post"]
    within_days: int = Field(default=7, ge=1, le=90)


class ManyTickets(BaseModel):
    """`count` tickets or more opened in the last `days` days. Occurrence: the ISO week."""

    model_config = Strict
    type: Literal["many_tickets"]
    count: int = Field(default=5, ge=1)
    days: int = Field(default=7, ge=1, le=365)


class NpsAnswer(BaseModel):
    """An NPS answer (detractor 0–6, passive 7–8, promoter 9–10) in the last `within_days` days.
    Occurrence: the answer."""

    model_config = Strict
    type: Literal["nps_answer"]
    category: Literal["detractor", "passive", "promoter"]
    within_days: int = Field(default=7, ge=1, le=90)  # answers this recent are acted on


class NewAccount(BaseModel):
    """The account's first paid day is at most `within_days` ago. Occurrence: once per
    account."""

    model_config = Strict
    type: Literal["new_account"]
    within_days: int = Field(default=7, ge=0, le=365)  # tenure at most this


class SegmentChanged(BaseModel):
    """The account entered (or left) `segment` in the last `within_days` days. Occurrence: the
    move."""

    model_config = Strict
    type: Literal["segment_entered", "segment_left"]
    segment: str = Field(min_length=1, max_length=100)
    within_days: int = Field(default=7, ge=1, le=90)


class Schedule(BaseModel):
    """Every paying account, daily, weekly on weekday `day` (1 = Monday) or monthly on day `day`.
    Occurrence: the day, ISO week or month."""

    model_config = Strict
    type: Literal["schedule"]
    every: Literal["day", "week", "month"]
    # Day of the month (1-28) or of the week (1 = Monday … 7); ignored for "day". (Not
    # "on": YAML 1.1 reads an unquoted on as true.)
    day: int = Field(default=1, ge=1, le=28)


Trigger = Annotated[
    BandChanged
    | ScoreDropped
    | UsageDropped
    | RiskAbove
    | NoLogin
    | RenewalDue
    | MilestoneOverdue
    | TicketEscalated
    | PaymentFailed
    | EventAttended
    | EventNoShow
    | CommunityQuestionUnanswered
    | FirstPost
    | ManyTickets
    | NpsAnswer
    | NewAccount
    | SegmentChanged
    | Schedule,
    Field(discriminator="type"),
]


# Actions: what a run does, in order; one failing never stops the others.
class TaskAction(BaseModel):
    """A task for the account's CSM, in their language; the checklist goes in its
    description."""

    model_config = Strict
    type: Literal["task"]
    title: Text
    description: Text | None = None
    checklist: list[Text] = Field(default_factory=list, max_length=30)
    due_in_days: int = Field(default=3, ge=0, le=365)
    priority: Priority = Priority.NORMAL


class EmailAction(BaseModel):
    """An email to the CSM (`owner`), the account's champions or all its contacts with an
    address."""

    model_config = Strict
    type: Literal["email"]
    # owner: the account's CSM; champion: its champion contacts; contacts: all with an email;
    # trigger: the contacts the trigger is about (an event's attendees or no-shows).
    to: Literal["owner", "champion", "contacts", "trigger"] = "owner"
    subject: Text
    body: Text


class WebhookAction(BaseModel):
    """POST a JSON payload signed with HMAC-SHA256 (or Slack's `{"text": …}`), retried
    with backoff."""

    model_config = Strict
    type: Literal["webhook"]
    # An http(s) URL, or "slack" for the incoming webhook in KASASU_PLAYBOOKS__SLACK_URL.
    url: str = Field(pattern=r"^(https?://\S+|slack)$", max_length=2000)
    # json: Kasasu's payload; slack: {"text": …} for a Slack-compatible incoming webhook.
    format: Literal["json", "slack"] = "json"
    text: Text | None = None


class NotifyAction(BaseModel):
    """A message to the team's chat: `slack`, `teams` (a Microsoft Teams Workflows webhook,
    as an Adaptive Card) or `chatwork`, at the webhook URL or room configured for it
    (KASASU_PLAYBOOKS__SLACK_URL, __TEAMS_URL, __CHATWORK_ROOM with __CHATWORK_TOKEN), with
    the playbook's title above the text; retried with backoff."""

    model_config = Strict
    type: Literal["notify"]
    channel: Literal["slack", "teams", "chatwork"]
    text: Text


class SetFieldAction(BaseModel):
    """Set an account field: lifecycle_stage, tier, plan, touch_model or custom.NAME."""

    model_config = Strict
    type: Literal["set_field"]
    field: str = Field(pattern=r"^(lifecycle_stage|tier|plan|touch_model|custom\.\w+)$")
    value: str | int | float | bool | None


class SurveyAction(BaseModel):
    """Invite the account's champions (or all its contacts) to an NPS, CSAT or CES survey;
    the next `kasasu surveys send` of a campaign of that kind emails the invitation (README,
    "Surveys")."""

    model_config = Strict
    type: Literal["enrol_survey"]
    kind: SurveyKind
    # trigger: the contacts the trigger is about (an event's attendees or no-shows).
    contacts: Literal["champion", "all", "trigger"] = "champion"


class MilestoneItem(BaseModel):
    model_config = Strict
    name: str = Field(min_length=1, max_length=200)
    due_in_days: int = Field(default=14, ge=0, le=365)


class OnboardingAction(BaseModel):
    """Add onboarding milestones under a plan: `milestones` is a list of `{name,
    due_in_days}` (14 by default), due that many days after the day."""

    model_config = Strict
    type: Literal["add_onboarding"]
    plan: str = Field(min_length=1, max_length=200)
    milestones: list[MilestoneItem] = Field(min_length=1, max_length=50)


class StartOnboardingAction(BaseModel):
    """Start an onboarding plan on the account (docs/onboarding.md): the template named, or
    the one that applies to the account; its steps count from the first contract's start.
    An account that already has a plan keeps it."""

    model_config = Strict
    type: Literal["start_onboarding"]
    template: str | None = Field(default=None, min_length=1, max_length=100)


class ShowGuideAction(BaseModel):
    """Show an in-app guide to the account's users for some days (docs/guides.md): a guide
    targeted at assigned accounts shows only to those a playbook assigned."""

    model_config = Strict
    type: Literal["show_guide"]
    guide: str = Field(min_length=1, max_length=100, description="The guide's key")
    days: int = Field(default=14, ge=1, le=365)


class AnnounceAction(ShowGuideAction):
    """Likewise for an announcement (a modal or banner guide)."""

    type: Literal["announce"]  # type: ignore[assignment]


Action = Annotated[
    TaskAction
    | EmailAction
    | WebhookAction
    | NotifyAction
    | SetFieldAction
    | SurveyAction
    | OnboardingAction
    | StartOnboardingAction
    | ShowGuideAction
    | AnnounceAction,
    Field(discriminator="type"),
]


class PlaybookDefinition(BaseModel):
    model_config = Strict

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\-]+$")
    title: Text
    description: Text | None = None
    enabled: bool = True
    trigger: Trigger
    # A rule over the account (as segments write it) that must hold too, e.g.
    # touch_model == "tech" and mrr < 50000.
    when: str | None = Field(default=None, max_length=2000)
    # Days after firing for an account in which the playbook does not fire for it again.
    cooldown_days: int = Field(default=7, ge=0, le=3650)
    actions: list[Action] = Field(min_length=1, max_length=20)

    @field_validator("name")
    @classmethod
    def _not_a_route(cls, name: str) -> str:
        if name in RESERVED_NAMES:  # pages and API routes under /playbooks/
            raise ValueError(f"{name!r} is reserved; choose another name")
        return name


class PlaybookRead(BaseModel):
    name: str
    enabled: bool
    definition: dict[str, Any]
    runs: int  # times it fired, all accounts and days
    problem: RefreshProblem | None = None  # the latest run skipped it, and why


class PlannedAction(BaseModel):
    """What an action will do (or did), written out for a person to read."""

    kind: str
    summary: str  # "task to 佐藤: …", "email to a@b.jp: subject", "POST https://…"
    status: str = "planned"
    attempts: int = 0
    error: str | None = None


class RunRead(BaseModel):
    id: int | None  # None in a dry run
    playbook: str
    account_id: int
    account: str
    window: str
    fired_on: Day
    trigger: dict[str, Any]
    actions: list[PlannedAction]
    created_at: datetime | None = None


class RunSummary(BaseModel):
    day: Day
    fired: int  # runs claimed by this call
    skipped: int  # already fired for that window, or cooling down
    done: int  # actions that succeeded
    failed: int
    runs: list[RunRead]
