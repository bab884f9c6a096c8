"""``/renewals``: the renewal board (every term ending in a window, with totals) and the
outcome of a renewal, which changes the contract as it happened (as on the web page)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, keep_fresh, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import Day
from kasasu.renewals.forecast import next_quarter, set_call
from kasasu.renewals.schemas import (
    ForecastCall,
    ForecastCallCreate,
    RenewalBoard,
    RenewalFilters,
    RenewalForecast,
    RenewalQuery,
)
from kasasu.renewals.service import renewal_board
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate, RenewalRead
from kasasu.workspace.forecast import recall_forecast


class RenewalParams(RenewalFilters):
    """The board's query string: the filters and a window, ``from`` and ``to`` inclusive."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")


class ForecastParams(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
    page: int = Field(default=1, ge=1, le=100_000)
    size: int = Field(default=50, ge=1, le=500)


def renewals_router() -> APIRouter:
    router = api_router(prefix="/renewals", tags=["renewals"])

    @router.get(
        "",
        response_model=RenewalBoard,
        dependencies=[Depends(require(Action.READ))],
        summary="Contract terms ending in a window, with totals over all of them",
        description=(
            "Default window: today and the next 90 days (`from`, `to` inclusive). Totals count "
            "every matching renewal, whatever the page; `mrr` is in the reporting currency and "
            "`missing_rates` holds what has no exchange rate. Lines whose term is one month "
            "are left out unless `include_monthly`."
        ),
    )
    def board(request: Request, params: Annotated[RenewalParams, Query()]) -> RenewalBoard:
        report = reporting(request)
        today = report.today()
        first = params.start or today
        query = RenewalQuery(
            **params.model_dump(exclude={"start", "end"}),
            first=first,
            last=params.end or first + timedelta(days=90),
        )
        return in_transaction(request, lambda s: renewal_board(s, query, report.currency, today))

    @router.get(
        "/forecast",
        response_model=RenewalForecast,
        dependencies=[Depends(require(Action.READ))],
        summary="The renewal forecast: MRR up for renewal and expected to renew, by month, "
        "quarter, CSM and segment, with one page of the renewals",
        description=(
            "Default window: the next calendar quarter (`from`, `to` inclusive). Expected "
            "renewed MRR = MRR × odds × (1 + `expansion`); the odds are 1 − the account's "
            "churn risk unless a CSM's call stands: then the call's track record over the last "
            "year (`call_odds`). Sums cover every renewal of the window, whatever the page."
        ),
    )
    def forecast(request: Request, params: Annotated[ForecastParams, Query()]) -> RenewalForecast:
        report = reporting(request)
        today = report.today()
        first, last = next_quarter(today)
        first, last = params.start or first, params.end or last
        found = in_transaction(
            request,
            lambda s: recall_forecast(
                s, (first, last), report.currency, today, page=params.page, size=params.size
            ),
        )
        keep_fresh(request, found)
        return found.value

    @router.post(
        "/forecast/calls",
        response_model=ForecastCall,
        status_code=201,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Set (or take back, with no status) a CSM's call on a renewal",
        description=(
            "`renewal_date` is the last day of the line's term. Every call is kept: the "
            "forecast reads the latest, its backtest the one standing on each day."
        ),
    )
    def call(request: Request, data: ForecastCallCreate) -> ForecastCall:
        # An API key stands for an integration, not a person: the call has no user.
        return in_transaction(request, lambda s: set_call(s, data, None))

    @router.post(
        "",
        response_model=RenewalRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Record (or change) the outcome of a renewal",
        description=(
            "`renewal_date` is the last day of the line's term (its end date). renewed: the "
            "term rolls forward; expanded / contracted (with the new `amount` per billing "
            "interval, and `seats`): the line ends on that day and a new version starts the "
            "next; churned (with a `reason`): that day is the last day of service."
        ),
    )
    def decide(request: Request, data: RenewalCreate) -> RenewalRead:
        return in_transaction(request, lambda s: record_renewal(s, data))

    return router
