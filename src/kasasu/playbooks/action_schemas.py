"""Playbook actions as written in YAML or sent to the API: what a run does, in order; one
failing never stops the others. Each kind's behaviour is a module of kasasu.playbooks.actions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kasasu.domain.choices import Priority, SurveyKind
from kasasu.kit.types import INPUT_CONFIG, LocalText

# A text for one or both languages; in a playbook each is a Jinja2 template.
Text = LocalText | Annotated[str, Field(min_length=1, max_length=20_000)]


class TaskAction(BaseModel):
    """A task for the account's CSM, in their language; the checklist goes in its
    description."""

    model_config = INPUT_CONFIG
    type: Literal["task"]
    title: Text
    description: Text | None = None
    checklist: list[Text] = Field(default_factory=list, max_length=30)
    due_in_days: int = Field(default=3, ge=0, le=365)
    priority: Priority = Priority.NORMAL


class EmailAction(BaseModel):
    """An email to the CSM (`owner`), the account's champions or all its contacts with an
    address."""

    model_config = INPUT_CONFIG
    type: Literal["email"]
    # owner: the account's CSM; champion: its champion contacts; contacts: all with an email;
    # trigger: the contacts the trigger is about (an event's attendees or no-shows).
    to: Literal["owner", "champion", "contacts", "trigger"] = "owner"
    subject: Text
    body: Text


class WebhookAction(BaseModel):
    """POST a JSON payload signed with HMAC-SHA256 (or Slack's `{"text": …}`), retried
    with backoff."""

    model_config = INPUT_CONFIG
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

    model_config = INPUT_CONFIG
    type: Literal["notify"]
    channel: Literal["slack", "teams", "chatwork"]
    text: Text


class SetFieldAction(BaseModel):
    """Set an account field: lifecycle_stage, tier, plan, touch_model or custom.NAME."""

    model_config = INPUT_CONFIG
    type: Literal["set_field"]
    field: str = Field(pattern=r"^(lifecycle_stage|tier|plan|touch_model|custom\.\w+)$")
    value: str | int | float | bool | None


class SurveyAction(BaseModel):
    """Invite the account's champions (or all its contacts) to an NPS, CSAT or CES survey;
    the next `kasasu surveys send` of a campaign of that kind emails the invitation (README,
    "Surveys")."""

    model_config = INPUT_CONFIG
    type: Literal["enrol_survey"]
    kind: SurveyKind
    # trigger: the contacts the trigger is about (an event's attendees or no-shows).
    contacts: Literal["champion", "all", "trigger"] = "champion"


class MilestoneItem(BaseModel):
    model_config = INPUT_CONFIG
    name: str = Field(min_length=1, max_length=200)
    due_in_days: int = Field(default=14, ge=0, le=365)


class OnboardingAction(BaseModel):
    """Add onboarding milestones under a plan: `milestones` is a list of `{name,
    due_in_days}` (14 by default), due that many days after the day."""

    model_config = INPUT_CONFIG
    type: Literal["add_onboarding"]
    plan: str = Field(min_length=1, max_length=200)
    milestones: list[MilestoneItem] = Field(min_length=1, max_length=50)


class StartOnboardingAction(BaseModel):
    """Start an onboarding plan on the account (docs/onboarding.md): the template named, or
    the one that applies to the account; its steps count from the first contract's start.
    An account that already has a plan keeps it."""

    model_config = INPUT_CONFIG
    type: Literal["start_onboarding"]
    template: str | None = Field(default=None, min_length=1, max_length=100)


class ShowGuideAction(BaseModel):
    """Show an in-app guide to the account's users for some days (docs/guides.md): a guide
    targeted at assigned accounts shows only to those a playbook assigned."""

    model_config = INPUT_CONFIG
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
