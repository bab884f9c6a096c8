"""The renewal board (更新管理): every contract term ending in a window, with its outcome."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kasasu.domain.choices import BillingInterval, CancellationReason, RenewalOutcome
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
