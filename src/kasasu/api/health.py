"""Health scores: one account's explained score, accounts by band, scorecards as data."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction
from kasasu.api.crud import PageOut
from kasasu.api.problems import request_locale
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.domain.scoring import Band
from kasasu.health.explain import account_health, list_by_band
from kasasu.health.schemas import HealthListItem, HealthRead, ScorecardRead
from kasasu.health.scorecards import (
    get_scorecard,
    list_scorecards,
    save_scorecard,
    validate_scorecard,
)
from kasasu.kit.paging import DEFAULT_LIMIT, MAX_LIMIT
from kasasu.kit.types import Day


class HealthPage(PageOut[HealthListItem]):
    as_of: Day | None


def health_router() -> APIRouter:
    router = api_router(tags=["health"], dependencies=[Depends(require(Action.READ))])

    @router.get(
        "/accounts/{account_id}/health",
        response_model=HealthRead,
        summary="An account's health: score, band, each measure, trend, what changed",
    )
    def get_health(request: Request, account_id: PathId, as_of: Day | None = None) -> HealthRead:
        ctx, locale = context(request), request_locale(request)
        return in_transaction(
            request,
            lambda s: account_health(
                s, account_id, as_of=as_of, locale=locale, currency=ctx.reporting.currency
            ),
        )

    @router.get(
        "/health",
        response_model=HealthPage,
        summary="Accounts by health, lowest first; band=unknown: not enough data",
    )
    def list_health(
        request: Request,
        band: Band | None = None,
        as_of: Day | None = None,
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> HealthPage:
        day, rows, next_cursor = in_transaction(
            request,
            lambda s: list_by_band(
                s, band=band.value if band else None, as_of=as_of, cursor=cursor, limit=limit
            ),
        )
        items = [
            HealthListItem(
                account_id=h.account_id,
                external_id=ext,
                name=name,
                as_of=h.as_of,
                score=h.score,
                band=h.band,
                coverage=h.coverage,
            )
            for h, ext, name in rows
        ]
        return HealthPage(items=items, next_cursor=next_cursor, as_of=day)

    @router.get("/scorecards", response_model=list[ScorecardRead], summary="The scorecards")
    def scorecards(request: Request) -> list[ScorecardRead]:
        return in_transaction(request, list_scorecards)

    @router.get("/scorecards/{name}", response_model=ScorecardRead, summary="One scorecard")
    def scorecard(request: Request, name: str) -> ScorecardRead:
        return in_transaction(request, lambda s: get_scorecard(s, name))

    @router.post(
        "/scorecards",
        response_model=ScorecardRead,
        dependencies=[Depends(require(Action.ADMIN))],
        summary="Store a scorecard (JSON, as in the YAML files) as its next version",
    )
    def post_scorecard(request: Request, body: Annotated[dict[str, Any], Body()]) -> ScorecardRead:
        card = validate_scorecard(body, "body")
        return in_transaction(request, lambda s: save_scorecard(s, card))

    return router
