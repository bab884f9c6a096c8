"""``/sync``: the connectors' last runs, as the Settings page shows them."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from fastapi import APIRouter, Depends, Request

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import api_router
from kasasu.connectors.runs import sync_status
from kasasu.connectors.schemas import ConnectorStatus
from kasasu.domain.permissions import Action


def sync_router() -> APIRouter:
    router = api_router(prefix="/sync", tags=["connectors"])

    @router.get(
        "/status",
        response_model=list[ConnectorStatus],
        dependencies=[Depends(require(Action.ADMIN))],
        summary="Each connector's last run: when, rows applied, errors with their row or event",
    )
    def status(request: Request) -> list[ConnectorStatus]:
        return in_transaction(request, sync_status)

    return router
