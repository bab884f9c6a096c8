"""The renewal board (更新管理): every contract term ending in a window, with its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    ForecastStatus,
    RenewalOutcome,
)
from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, Day, RowId

RenewalSort = Literal["renewal_date", "-renewal_date", "-mrr", "mrr", "health", "-health"]
SORTS: tuple[str, ...] = RenewalSort.__args__  # type: ignore[attr-defined]  # Literal's values


class RenewalFilters(BaseModel):
    """Which renewals of a window to list, in which order, which page; ``include_monthly``
    adds the lines whose term is one month (billing cycles)."""

    model_config = INPUT_CONFIG

    owner_id: RowId | None = None
    band: Literal["red", "yellow", "green"] | None = None
    product: Annotated[str, Field(max_length=100)] | None = None
    plan: Annotated[str, Field(max_length=100)] | None = None
    decided: bool | None = None
    include_monthly: bool = False
    sort: RenewalSort = "renewal_date"
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    size: Annotated[int, Field(ge=1, le=500)] = 50


class RenewalQuery(RenewalFilters):
    """The filters over a window of renewal dates (the last day of each term), inclusive."""

    first: Day
    last: Day


class RenewalRow(BaseModel):
    model_config = READ_CONFIG

    subscription_id: int
    account_id: int
    account_name: str
    owner_id: int | None
    owner_name: str | None
    product: str
    plan: str | None
    renewal_date: Day
    term_months: int
    amount: int
    currency: str
    billing_interval: BillingInterval
    mrr: int | None = Field(description="MRR in the reporting currency; none without a rate")
    health_score: float | None
    health_band: str | None
    outcome: RenewalOutcome | None
    reason: CancellationReason | None
    comment: str | None


class RenewalBoard(BaseModel):
    """One page of renewals and the totals of every renewal the query matches."""

    model_config = READ_CONFIG

    first: Day
    last: Day
    currency: str
    rows: list[RenewalRow]
    total: int = Field(description="Renewals (contract lines) matching, on every page")
    accounts: int
    mrr: int = Field(description="Their MRR in the reporting currency (minor units)")
    missing_rates: dict[str, int] = Field(
        description="MRR without an exchange rate, per currency, in its own minor units"
    )
    decided: int
    page: int
    size: int


class ForecastCallCreate(BaseModel):
    """A CSM's call on one renewal (the line and its renewal date); no status takes the
    call back, so the model's odds count again."""

    model_config = INPUT_CONFIG

    subscription_id: RowId
    renewal_date: Day
    status: ForecastStatus | None = None
    comment: Annotated[str, Field(max_length=2000)] | None = None


class ForecastCall(BaseModel):
    status: ForecastStatus | None
    comment: str | None
    set_by: int | None
    set_by_name: str | None
    set_at: datetime


class CallOdds(BaseModel):
    """What a call has meant: the renewals of the last year with it standing when their day
    came, how many renewed, and the odds the forecast gives it."""

    status: ForecastStatus
    calls: int
    renewed: int
    odds: float = Field(description="(renewed + 5 × the default odds) ÷ (calls + 5)")


class ForecastRow(BaseModel):
    """One renewal of the forecast: its MRR up for renewal and what is expected of it."""

    subscription_id: int
    account_id: int
    account_name: str
    owner_id: int | None
    owner_name: str | None
    product: str
    plan: str | None
    renewal_date: Day
    mrr: int | None = Field(description="MRR up for renewal, reporting currency; none: no rate")
    risk: float | None = Field(description="The account's latest churn risk")
    model_odds: float = Field(description="1 − risk, else the renewal rate of the last year")
    call: ForecastCall | None
    odds: float = Field(description="The call's odds where a call stands, else the model's")
    outcome: RenewalOutcome | None = Field(description="Recorded already: its odds are 1 or 0")
    model_expected: int = Field(description="MRR × model odds × (1 + expected expansion)")
    expected: int = Field(description="MRR × odds × (1 + expected expansion)")
    value_at_risk: int | None = Field(
        default=None, description="The account's lifetime value × churn risk, if valued"
    )


class ForecastGroup(BaseModel):
    key: str
    label: str
    renewals: int
    mrr: int = Field(description="MRR up for renewal")
    model_expected: int = Field(description="Expected renewed MRR by the model alone")
    expected: int = Field(description="Expected renewed MRR with the CSMs' calls")
    called: int = Field(description="Renewals with a standing call")
    committed: int = Field(description="MRR of the renewals called commit")
    value_at_risk: int = Field(
        default=0, description="Lifetime value at risk of the accounts renewing (each once)"
    )


class RenewalForecast(BaseModel):
    """Every renewal dated ``first``–``last`` (terms longer than a month) and the MRR expected
    to renew, by month, quarter, CSM and segment; one page of the renewals themselves."""

    first: Day
    last: Day
    currency: str
    risk_day: Day | None = Field(description="The day of the churn risks used; none: no model")
    renewal_rate: float | None = Field(
        description="Share of the MRR up for renewal that renewed over the last year (the odds "
        "of an account without a risk); none without history"
    )
    expansion: float = Field(
        description="Net change of the MRR renewed at renewal over the last year (expanded − "
        "contracted) ÷ its MRR before: the expected expansion"
    )
    call_odds: list[CallOdds] = Field(default=[], description="Each call's track record")
    total: ForecastGroup
    months: list[ForecastGroup]
    quarters: list[ForecastGroup]
    owners: list[ForecastGroup]
    segments: list[ForecastGroup] = Field(description="An account may be in several segments")
    missing_rates: dict[str, int] = Field(
        description="MRR without an exchange rate per currency, left out of the sums"
    )
    rows: list[ForecastRow]
    page: int
    size: int
