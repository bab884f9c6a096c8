"""``GET /funnel``: The Model funnel (leads → qualified → won → onboarded → retained →
expanded) by cohort period, by lead source and by segment; ``GET /funnel/paths``: each
lead's path through it, with its days."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.types import RowId
from kasasu.pipeline.schemas import FunnelReport
from kasasu.workspace.funnel import FunnelPaths, funnel_paths, stored_funnel
from kasasu.workspace.kpis import KpiChoice

MONTH = r"^\d{4}-\d{2}$"


class FunnelFilters(BaseModel):
    """The accounts whose leads count (a lead counts through its account, or its won
    deal's): as a KPI page filters them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    by: Grain = Grain.MONTH
    plan: str | None = None
    tier: str | None = None
    touch_model: TouchModel | None = None
    lifecycle_stage: LifecycleStage | None = None
    owner_id: RowId | None = None
    industry: str | None = None
    segment: str | None = Field(default=None, description="Its members on the latest refresh")
    onboarding: str | None = Field(
        default=None, max_length=100, description="Accounts onboarded with this template"
    )

    def choice(self) -> KpiChoice:
        chosen = self.model_dump(include=set(FunnelFilters.model_fields) - {"by"})
        return KpiChoice(grain=self.by, **chosen)


class FunnelParams(FunnelFilters):
    first: str | None = Field(default=None, alias="from", pattern=MONTH, examples=["2025-04"])
    last: str | None = Field(default=None, alias="to", pattern=MONTH, examples=["2026-03"])


class PathParams(FunnelFilters):
    period: str = Field(pattern=MONTH, examples=["2026-04"], description="A month of the period")
    account_id: RowId | None = Field(default=None, description="Only this account's leads")


def funnel_router() -> APIRouter:
    router = api_router(
        prefix="/funnel", tags=["funnel"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get(
        "",
        response_model=FunnelReport,
        summary="The Model funnel by cohort period, lead source and segment",
        description=(
            "Leads that came in during each period (`by`: month, quarter or fiscal-year; from "
            "`from` to `to`, else the span a KPI page shows) and how many reached each stage "
            "by today (computed once per refresh day): qualified, won, onboarded (first "
            "value), matured (won 12 months ago or more), retained (MRR 12 months after the "
            "win) and expanded; each stage's conversion from the one before and the median "
            "days between stages. `total`, `by_source` and `by_segment` cover the whole span. "
            "Definitions: docs/metrics.md."
        ),
    )
    def funnel(request: Request, params: Annotated[FunnelParams, Query()]) -> FunnelReport:
        if (params.first is None) != (params.last is None):
            raise InvalidInput(
                _("Give both from and to, or neither"),
                [FieldError(("query", "from" if params.first is None else "to"), _("Required"))],
            )
        months = (
            (parse_month(params.first), parse_month(params.last))
            if params.first and params.last
            else None
        )
        source, report, choice = context(request).analytics, reporting(request), params.choice()
        # Written: what it computed is stored for the next requests (once per refresh day).
        return in_transaction(
            request, lambda s: stored_funnel(s, choice, report, source, months), write=True
        )

    @router.get(
        "/paths",
        response_model=FunnelPaths,
        summary="Each lead of one period and its path through the funnel",
        description=(
            "The leads that came in during the period holding `period` (of one account with "
            "`account_id`), in the order they came in, with the day they were qualified, won "
            "and reached first value, the account's MRR when it started paying and 12 months "
            "after the win; all of them (`total`)."
        ),
    )
    def paths(request: Request, params: Annotated[PathParams, Query()]) -> FunnelPaths:
        source, report, choice = context(request).analytics, reporting(request), params.choice()
        month = parse_month(params.period)
        return in_transaction(
            request,
            lambda s: funnel_paths(s, month, choice, report, source, account_id=params.account_id),
            write=True,  # stores what it computed
        )

    return router
