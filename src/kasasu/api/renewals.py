"""``/renewals``: the renewal board (every term ending in a window, with totals) and the
outcome of a renewal, which changes the contract as it happened (as on the web page)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import Day
from kasasu.renewals.schemas import RenewalBoard, RenewalFilters, RenewalQuery
from kasasu.renewals.service import renewal_board
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate, RenewalRead


class RenewalParams(RenewalFilters):
    """The board's query string: the filters and a window, ``from`` and ``to`` inclusive."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")


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
