"""Success plans: the customer's objectives and measurable goals, and the links that share
the plan with the customer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kasasu.domain.choices import GoalStatus
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, Day
from kasasu.onboarding.schemas import OnboardingRead

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
