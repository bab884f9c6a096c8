"""Playbook triggers as written in YAML or sent to the API: what makes a playbook fire for
an account on a refresh day, and which occurrence (its window) each firing answers.
kasasu.playbooks.triggers says who they fire for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kasasu.domain.scoring import Band
from kasasu.kit.types import INPUT_CONFIG


class BandChanged(BaseModel):
    """Health band became `to` since the previous refresh. Occurrence: the day."""

    model_config = INPUT_CONFIG
    type: Literal["band_changed"]
    to: Band


class ScoreDropped(BaseModel):
    """Score fell by `points` or more against the latest refresh at least `days` before.
    Occurrence: the day."""

    model_config = INPUT_CONFIG
    type: Literal["score_dropped"]
    points: float = Field(gt=0, le=100)
    days: int = Field(default=7, ge=1, le=365)


class UsageDropped(BaseModel):
    """`usage_trend_30d` is below `below` (−0.3: 30% fewer events than the 30 days before).
    Occurrence: the day."""

    model_config = INPUT_CONFIG
    type: Literal["usage_dropped"]
    below: float = Field(default=-0.3, ge=-1, le=0)  # usage_trend_30d under this


class RiskAbove(BaseModel):
    """The churn model's risk (`churn_risk`, the probability of churning within its horizon)
    is above `above` (0.5: more likely to leave than to stay). Occurrence: the day; the
    playbook's cool-down keeps it from firing again every day."""

    model_config = INPUT_CONFIG
    type: Literal["risk_above"]
    above: float = Field(default=0.5, gt=0, lt=1)


class NoLogin(BaseModel):
    """No usage event for `days` days or more. Occurrence: the silence (the day of the last
    use)."""

    model_config = INPUT_CONFIG
    type: Literal["no_login"]
    days: int = Field(ge=1, le=3650)


class RenewalDue(BaseModel):
    """A contract line ends in `days` days or fewer (and more than `days − catch_up_days`).
    Occurrence: the renewal date."""

    model_config = INPUT_CONFIG
    type: Literal["renewal_due"]
    days: int = Field(ge=0, le=730)
    # Fires while the renewal is between days − catch_up_days (exclusive) and days away, so
    # "90 days before" does not also fire for a renewal 20 days away on a first run.
    catch_up_days: int = Field(default=14, ge=1, le=730)


class MilestoneOverdue(BaseModel):
    """An onboarding milestone is `grace_days` past its due date and not done. Occurrence: the
    milestone."""

    model_config = INPUT_CONFIG
    type: Literal["milestone_overdue"]
    grace_days: int = Field(default=0, ge=0, le=365)


class TicketEscalated(BaseModel):
    """An open ticket is escalated. Occurrence: the ticket."""

    model_config = INPUT_CONFIG
    type: Literal["ticket_escalated"]


class PaymentFailed(BaseModel):
    """A payment of the account failed and is not yet paid (the billing connector's
    invoices: Stripe's `invoice.payment_failed`). Occurrence: the invoice."""

    model_config = INPUT_CONFIG
    type: Literal["payment_failed"]


class EventAttended(BaseModel):
    """A contact of the account attended a webinar, seminar, user meeting or training (its
    attendance imported or checked in) in the last `within_days` days. Occurrence: the event;
    an email `to: trigger` goes to those who attended, `{{ trigger.event.recording_url }}`
    is its recording."""

    model_config = INPUT_CONFIG
    type: Literal["event_attended"]
    within_days: int = Field(default=14, ge=1, le=90)


class EventNoShow(BaseModel):
    """A contact of the account registered for an event and did not come (the no-show
    recorded in the last `within_days` days). Occurrence: the event; an email `to: trigger`
    goes to those who did not come."""

    model_config = INPUT_CONFIG
    type: Literal["event_no_show"]
    within_days: int = Field(default=14, ge=1, le=90)


class CommunityQuestionUnanswered(BaseModel):
    """A question a contact of the account asked in the community has no answer from
    anyone else `hours` hours later (asked in the last `within_days` days; hidden ones
    left out). Occurrence: the question; an email `to: trigger` goes to the asker."""

    model_config = INPUT_CONFIG
    type: Literal["community_question_unanswered"]
    hours: int = Field(default=48, ge=1, le=24 * 60)
    within_days: int = Field(default=14, ge=1, le=90)


class FirstPost(BaseModel):
    """A contact of the account started their first community thread in the last
    `within_days` days. Occurrence: the contact (once ever); an email `to: trigger` goes
    to them."""

    model_config = INPUT_CONFIG
    type: Literal["first_post"]
    within_days: int = Field(default=7, ge=1, le=90)


class ManyTickets(BaseModel):
    """`count` tickets or more opened in the last `days` days. Occurrence: the ISO week."""

    model_config = INPUT_CONFIG
    type: Literal["many_tickets"]
    count: int = Field(default=5, ge=1)
    days: int = Field(default=7, ge=1, le=365)


class NpsAnswer(BaseModel):
    """An NPS answer (detractor 0–6, passive 7–8, promoter 9–10) in the last `within_days` days.
    Occurrence: the answer."""

    model_config = INPUT_CONFIG
    type: Literal["nps_answer"]
    category: Literal["detractor", "passive", "promoter"]
    within_days: int = Field(default=7, ge=1, le=90)  # answers this recent are acted on


class NewAccount(BaseModel):
    """The account's first paid day is at most `within_days` ago. Occurrence: once per
    account."""

    model_config = INPUT_CONFIG
    type: Literal["new_account"]
    within_days: int = Field(default=7, ge=0, le=365)  # tenure at most this


class SegmentChanged(BaseModel):
    """The account entered (or left) `segment` in the last `within_days` days. Occurrence: the
    move."""

    model_config = INPUT_CONFIG
    type: Literal["segment_entered", "segment_left"]
    segment: str = Field(min_length=1, max_length=100)
    within_days: int = Field(default=7, ge=1, le=90)


class Schedule(BaseModel):
    """Every paying account, daily, weekly on weekday `day` (1 = Monday) or monthly on day `day`.
    Occurrence: the day, ISO week or month."""

    model_config = INPUT_CONFIG
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
