"""``/exchange-rates``: the rates that bring contracts in other currencies to the reporting one."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import CurrencyCode, Day
from kasasu.subscriptions.rates import MAX_LISTED, list_exchange_rates, save_exchange_rate
from kasasu.subscriptions.schemas import ExchangeRateCreate, ExchangeRateRead


class ExchangeRateIn(BaseModel):
    """1 ``currency`` = ``rate`` ``quote_currency`` on ``day``."""

    model_config = ConfigDict(extra="forbid")

    day: Day
    currency: CurrencyCode = Field(examples=["USD"])
    rate: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=10, examples=["150.25"])]
    quote_currency: CurrencyCode | None = Field(
        default=None, description="Default: the reporting currency (KASASU_CURRENCY)"
    )


def exchange_rates_router() -> APIRouter:
    router = api_router(prefix="/exchange-rates", tags=["exchange rates"])

    @router.get(
        "",
        response_model=list[ExchangeRateRead],
        dependencies=[Depends(require(Action.READ))],
        summary="Exchange rates, newest first",
    )
    def rates(
        request: Request,
        currency: CurrencyCode | None = None,
        quote_currency: CurrencyCode | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = 100,
    ) -> list[ExchangeRateRead]:
        return in_transaction(
            request,
            lambda s: list_exchange_rates(
                s, currency=currency, quote_currency=quote_currency, limit=limit
            ),
        )

    @router.post(
        "",
        response_model=ExchangeRateRead,
        dependencies=[Depends(require(Action.IMPORT))],
        summary="Record (or correct) one day's exchange rate",
        description=(
            "A contract line in a foreign currency is converted at the latest rate on or "
            "before each day; sending a new rate for a stored day and pair replaces it."
        ),
    )
    def post_rate(request: Request, body: ExchangeRateIn) -> ExchangeRateRead:
        data = ExchangeRateCreate(
            day=body.day,
            currency=body.currency,
            quote_currency=body.quote_currency or reporting(request).currency,
            rate=body.rate,
        )
        return in_transaction(request, lambda s: save_exchange_rate(s, data))

    return router
