"""Playbooks through the API: list, read, store (as in the YAML), preview a day (dry run),
and the execution log. Real runs belong to the daily refresh and ``kasasu playbooks run``."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request

from kasasu.accounts.service import account_names
from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import Day, RowId
from kasasu.playbooks.planning import PlaybookConfig, plan_day
from kasasu.playbooks.schemas import PlaybookRead, RunRead
from kasasu.playbooks.service import (
    get_playbook,
    list_playbooks,
    plan_reads,
    playbook_log,
    save_playbook,
    validate_playbook,
)

Status = Literal["pending", "running", "done", "failed", "skipped"]
PREVIEWED = 500  # runs a dry run returns at most


def playbooks_router() -> APIRouter:
    router = api_router(
        prefix="/playbooks", tags=["playbooks"], dependencies=[Depends(require(Action.READ))]
    )

    @router.get("", response_model=list[PlaybookRead], summary="The playbooks and their runs")
    def playbooks(request: Request) -> list[PlaybookRead]:
        return in_transaction(request, list_playbooks)

    @router.post(
        "",
        response_model=PlaybookRead,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Store a playbook (replacing the one of the same name)",
    )
    def post_playbook(request: Request, body: Annotated[dict[str, Any], Body()]) -> PlaybookRead:
        config = context(request).playbooks
        hosts = config.webhook_hosts if config else frozenset()
        playbook = validate_playbook(body, "body", webhook_hosts=hosts)
        return in_transaction(request, lambda s: save_playbook(s, playbook))

    @router.get("/log", response_model=list[RunRead], summary="The latest runs and their actions")
    def log(
        request: Request,
        playbook: str | None = None,
        account_id: RowId | None = None,
        status: Status | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[RunRead]:
        locale = reporting(request).locale
        return in_transaction(
            request,
            lambda s: playbook_log(
                s, locale, limit=limit, playbook=playbook, account_id=account_id, status=status
            ),
        )

    @router.get(
        "/preview",
        response_model=list[RunRead],
        summary="Dry run: what the playbooks would do on a day (nothing is changed)",
    )
    def preview(
        request: Request, as_of: Day | None = None, playbook: str | None = None
    ) -> list[RunRead]:
        ctx = context(request)
        report = ctx.reporting
        day = as_of or report.today()
        config = ctx.playbooks or PlaybookConfig(report.zone, report.currency, report.locale, "")

        def work(session: Any) -> list[RunRead]:
            plan = plan_day(session, day, config, only=[playbook] if playbook else ())
            ids = [p.firing.account_id for p in plan.planned[:PREVIEWED]]
            plan.planned = plan.planned[:PREVIEWED]
            return plan_reads(plan, account_names(session, ids), report.locale)

        return in_transaction(request, work)

    @router.get("/{name}", response_model=PlaybookRead, summary="One playbook")
    def one(request: Request, name: str) -> PlaybookRead:
        return in_transaction(request, lambda s: get_playbook(s, name))

    return router
