"""``/voice``: key terms of detractors against promoters, comment search, churn reasons."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action
from kasasu.kit.paging import MAX_LIMIT
from kasasu.kit.types import Day
from kasasu.voice.schemas import ChurnReasons, CommentPage, TermComparison
from kasasu.voice.service import churn_reasons, comment_terms, search_comments

MONTH = r"^\d{4}-\d{2}$"


class TermParams(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: str = Field(default="nps", pattern="^(nps|csat)$")
    first: Day | None = Field(default=None, alias="from", description="First day (local)")
    last: Day | None = Field(default=None, alias="to", description="Last day (local), included")
    segment: str | None = None
    plan: str | None = None
    campaign: str | None = None
    limit: int = Field(default=20, ge=1, le=200)


class CommentParams(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    q: str = Field(min_length=1, max_length=200, description="Words to find, in any form")
    kind: str | None = Field(default=None, pattern="^(nps|csat|ces|cancellation)$")
    first: Day | None = Field(default=None, alias="from")
    last: Day | None = Field(default=None, alias="to")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)
    cursor: str | None = None


class ReasonParams(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: str = Field(alias="from", pattern=MONTH, examples=["2026-04"])
    last: str = Field(alias="to", pattern=MONTH, examples=["2026-06"])
    by: Grain = Grain.MONTH


def voice_router() -> APIRouter:
    router = api_router(
        prefix="/voice", tags=["voice"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get(
        "/terms",
        response_model=TermComparison,
        summary="Key terms and themes of detractors' against promoters' comments",
    )
    def terms(request: Request, params: Annotated[TermParams, Query()]) -> TermComparison:
        zone = reporting(request).zone
        return in_transaction(
            request,
            lambda s: comment_terms(s, zone=zone, **params.model_dump(by_alias=False)),
        )

    @router.get("/comments", response_model=CommentPage, summary="Search survey comments")
    def comments(request: Request, params: Annotated[CommentParams, Query()]) -> CommentPage:
        zone = reporting(request).zone
        values = params.model_dump(by_alias=False)
        return in_transaction(
            request, lambda s: search_comments(s, values.pop("q"), zone=zone, **values)
        )

    @router.get(
        "/reasons", response_model=ChurnReasons, summary="Churned MRR by reason and by theme"
    )
    def reasons(request: Request, params: Annotated[ReasonParams, Query()]) -> ChurnReasons:
        report = reporting(request)
        first, last = parse_month(params.first), parse_month(params.last)
        return in_transaction(
            request, lambda s: churn_reasons(s, first, last, report, grain=params.by)
        )

    return router
