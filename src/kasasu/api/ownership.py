"""Ownership through the API: the rules (list, store, delete), what they would do with the
accounts without a CSM, applying them, and each CSM's accounts against their capacity."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.ownership.schemas import AssignmentPlan, CapacityRow, OwnerRuleRead
from kasasu.ownership.service import (
    apply_rules,
    capacity,
    delete_rule,
    list_rules,
    plan_assignments,
    save_rule,
    validate_rule,
)


def ownership_router() -> APIRouter:
    router = api_router(
        prefix="/ownership", tags=["ownership"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get("/rules", response_model=list[OwnerRuleRead], summary="The rules, in order")
    def rules(request: Request) -> list[OwnerRuleRead]:
        return in_transaction(request, list_rules)

    @router.post(
        "/rules",
        response_model=OwnerRuleRead,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Store a rule (same name: changed; new: tried last)",
    )
    def post_rule(request: Request, body: Annotated[dict[str, Any], Body()]) -> OwnerRuleRead:
        rule = validate_rule(body, "body")
        return in_transaction(request, lambda s: save_rule(s, rule))

    @router.delete(
        "/rules/{rule_id}",
        status_code=204,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Delete a rule (the accounts it gave keep their CSM)",
    )
    def remove_rule(request: Request, rule_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_rule(s, rule_id))
        return Response(status_code=204)

    @router.get(
        "/plan", response_model=AssignmentPlan, summary="What the rules would do now (no write)"
    )
    def plan(request: Request) -> AssignmentPlan:
        return in_transaction(request, plan_assignments)

    @router.post(
        "/apply",
        response_model=AssignmentPlan,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Give every account without a CSM its owner by the rules",
    )
    def apply(request: Request) -> AssignmentPlan:
        return in_transaction(request, apply_rules)

    @router.get(
        "/capacity", response_model=list[CapacityRow], summary="Each CSM's accounts and capacity"
    )
    def capacity_view(request: Request) -> list[CapacityRow]:
        return in_transaction(request, capacity)

    return router
