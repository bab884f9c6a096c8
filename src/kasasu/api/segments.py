"""Segments through the API: list, store (as in the YAML), and who is in one on a day."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import Day
from kasasu.segments.schemas import SegmentRead
from kasasu.segments.service import list_segments, save_segment, segment_members, validate_segment


class SegmentMembers(BaseModel):
    name: str
    as_of: Day
    account_ids: list[int]


def segments_router() -> APIRouter:
    router = api_router(
        prefix="/segments", tags=["segments"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get("", response_model=list[SegmentRead], summary="The segments and their size")
    def segments(request: Request) -> list[SegmentRead]:
        return in_transaction(request, list_segments)

    @router.post(
        "",
        response_model=SegmentRead,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Store a segment (evaluated at the next refresh)",
    )
    def post_segment(request: Request, body: Annotated[dict[str, Any], Body()]) -> SegmentRead:
        segment = validate_segment(body, "body")
        return in_transaction(request, lambda s: save_segment(s, segment))

    @router.get(
        "/{name}/members", response_model=SegmentMembers, summary="The accounts in it on a day"
    )
    def members(request: Request, name: str, as_of: Day | None = None) -> SegmentMembers:
        day = as_of or reporting(request).today()
        ids = in_transaction(request, lambda s: segment_members(s, name, day))
        return SegmentMembers(name=name, as_of=day, account_ids=ids)

    return router
