"""``GET /metrics/{name}``: KPIs by period, and the accounts behind one figure."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action
from kasasu.kit.types import RowId
from kasasu.metrics.schemas import Explanation, MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric

MONTH = r"^\d{4}-\d{2}$"


class MetricParams(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: str = Field(alias="from", pattern=MONTH, examples=["2025-04"])
    last: str = Field(alias="to", pattern=MONTH, examples=["2026-03"])
    by: Grain = Grain.MONTH
    plan: str | None = None
    tier: str | None = None
    touch_model: str | None = None
    owner_id: RowId | None = None
    industry: str | None = None


def _query(
    request: Request, name: str, first: str, last: str, *, by: Grain, filters: dict[str, object]
) -> MetricQuery:
    query = MetricQuery.reported(
        reporting(request), (name,), parse_month(first), parse_month(last), by
    )
    return replace(query, filters=filters)


def metrics_router() -> APIRouter:
    router = api_router(
        prefix="/metrics", tags=["metrics"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get("/{name}", response_model=list[MetricValue], summary="A KPI by period")
    def get_metric(
        request: Request, name: str, params: Annotated[MetricParams, Query()]
    ) -> list[MetricValue]:
        filters = params.model_dump(include={"plan", "tier", "touch_model", "owner_id", "industry"})
        query = _query(request, name, params.first, params.last, by=params.by, filters=filters)
        source = context(request).analytics
        return in_transaction(request, lambda s: compute_metrics(s, query, source))

    @router.get("/{name}/explain", response_model=Explanation, summary="The accounts behind a KPI")
    def explain(
        request: Request,
        name: str,
        period: Annotated[str, Query(pattern=MONTH, examples=["2026-04"])],
        by: Grain = Grain.MONTH,
    ) -> Explanation:
        query = _query(request, name, period, period, by=by, filters={})
        source = context(request).analytics
        return in_transaction(
            request, lambda s: explain_metric(s, name, parse_month(period), query, source)
        )

    return router
