"""Leads and deals as the API, the import and the demo write them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kasasu.contacts.schemas import Email
from kasasu.domain.choices import DealKind, DealStage
from kasasu.kit.types import (
    INPUT_CONFIG,
    MAX_BIGINT,
    READ_CONFIG,
    CurrencyCode,
    Day,
    ExternalId,
    Moment,
    Name,
    RowId,
    UTCDatetime,
)

Channel = Annotated[
    str,
    Field(min_length=1, max_length=100, description="Marketing channel, as the team writes it"),
]
DealAmount = Annotated[
    int, Field(ge=0, le=MAX_BIGINT, description="In minor units of the currency")
]


class LeadCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    company_name: Name
    contact_name: Name | None = None
    email: Email | None = None
    source: Channel | None = None
    created_at: UTCDatetime = Field(description="When the lead came in (its funnel cohort)")
    qualified_at: UTCDatetime | None = Field(
        default=None, description="When it became an opportunity (商談化)"
    )
    account_id: RowId | None = Field(default=None, description="Its account, once a customer")


class LeadUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    company_name: Name | None = None
    contact_name: Name | None = None
    email: Email | None = None
    source: Channel | None = None
    created_at: UTCDatetime | None = None
    qualified_at: UTCDatetime | None = None
    account_id: RowId | None = None


class LeadRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    company_name: str
    contact_name: str | None
    email: str | None
    source: str | None
    created_at: datetime
    qualified_at: datetime | None
    account_id: int | None
    updated_at: datetime


class LeadFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search company name, email, external id")
    account_id: RowId | None = None
    source: str | None = None
    created_at_from: Moment | None = None
    created_at_to: Moment | None = None


class DealCreate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = Field(default=None, description="Its account, once matched")
    lead_id: RowId | None = None
    name: Name
    stage: DealStage = DealStage.QUALIFICATION
    amount: DealAmount | None = None
    currency: CurrencyCode
    kind: DealKind = DealKind.NEW
    created_on: Day
    closed_on: Day | None = Field(default=None, description="The day it was won or lost")
    owner_id: RowId | None = Field(default=None, description="The salesperson (a user)")


class DealUpdate(BaseModel):
    model_config = INPUT_CONFIG

    external_id: ExternalId | None = None
    account_id: RowId | None = None
    lead_id: RowId | None = None
    name: Name | None = None
    stage: DealStage | None = None
    amount: DealAmount | None = None
    currency: CurrencyCode | None = None
    kind: DealKind | None = None
    created_on: Day | None = None
    closed_on: Day | None = None
    owner_id: RowId | None = None


class DealRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    external_id: str
    account_id: int | None
    lead_id: int | None
    name: str
    stage: DealStage
    amount: int | None
    currency: str
    kind: DealKind
    created_on: date
    closed_on: date | None
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class DealFilter(BaseModel):
    model_config = INPUT_CONFIG

    q: str | None = Field(default=None, description="Search name, external id")
    account_id: RowId | None = None
    lead_id: RowId | None = None
    stage: DealStage | None = None
    kind: DealKind | None = None
    owner_id: RowId | None = None
    closed_on_from: Day | None = Field(default=None, description="Closed on or after")
    closed_on_to: Day | None = Field(default=None, description="Closed on or before")


class FunnelRow(BaseModel):
    """The funnel of one group of leads: a period's cohort, a lead source, a segment."""

    label: str = Field(description="The period, the lead source or the segment")
    start: date | None = Field(default=None, description="A period's first day")
    leads: int
    qualified: int
    won: int
    onboarded: int
    matured: int = Field(description="Won 12 months or more before the observation day")
    retained: int
    expanded: int
    qualification_rate: float | None = Field(description="qualified ÷ leads")
    win_rate: float | None = Field(description="won ÷ qualified")
    onboarding_rate: float | None = Field(description="onboarded ÷ won")
    retention_rate: float | None = Field(description="retained ÷ matured")
    expansion_rate: float | None = Field(description="expanded ÷ retained")
    days_to_qualify: float | None = Field(description="Median days, lead to qualified")
    days_to_win: float | None = Field(description="Median days, qualified to won")
    days_to_value: float | None = Field(description="Median days, won to first value")


class FunnelReport(BaseModel):
    grain: str
    first: date = Field(description="First month of the span")
    last: date = Field(description="Last month of the span")
    observed_until: date = Field(description="Stages reached before this day count")
    periods: list[FunnelRow] = Field(description="Per cohort period, oldest first")
    total: FunnelRow = Field(description="Every lead of the span")
    by_source: list[FunnelRow] = Field(description="Per lead source, most leads first")
    by_segment: list[FunnelRow] = Field(description="Per segment (leads of its members)")


class FunnelPath(BaseModel):
    """One lead's way through the funnel, with the day it reached each stage."""

    period: str
    lead_id: int
    lead_external_id: str
    company_name: str
    source: str | None
    account_id: int | None
    account_name: str | None
    came_in: date
    qualified_on: date | None
    won_on: date | None
    first_value_on: date | None
    mrr_at_win: int | None = Field(description="When it started paying (minor units)")
    mrr_12m: int | None = Field(description="12 months after the win (minor units)")
    matured: bool
    retained: bool
    expanded: bool
