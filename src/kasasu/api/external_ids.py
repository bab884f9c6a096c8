"""``/accounts/{id}/external-ids``: the account's ids in other systems (CRM, billing,
helpdesk), one per source, as the connectors keep them and match by them."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts, external_ids, set_external_id
from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action

Source = Annotated[str, Path(min_length=1, max_length=50, pattern=r"^[a-z0-9_-]+$")]


class ExternalIdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=200, examples=["9001001"])


def external_ids_router() -> APIRouter:
    router = api_router(prefix="/accounts", tags=["accounts"])

    @router.get(
        "/{account_id}/external-ids",
        response_model=dict[str, str],
        dependencies=[Depends(require(Action.READ))],
        summary="The account's id in each other system: {source: id}",
    )
    def read(request: Request, account_id: PathId) -> dict[str, str]:
        def load(session: Session) -> dict[str, str]:
            accounts.get(session, account_id)  # 404 when none
            return external_ids(session, account_id)

        return in_transaction(request, load)

    @router.put(
        "/{account_id}/external-ids/{source}",
        response_model=dict[str, str],
        dependencies=[Depends(require(Action.WRITE))],
        summary="Set the account's id in one system (an id another account holds: 409)",
    )
    def put(
        request: Request, account_id: PathId, source: Source, body: ExternalIdIn
    ) -> dict[str, str]:
        def save(session: Session) -> dict[str, str]:
            set_external_id(session, account_id, source, body.external_id)
            return external_ids(session, account_id)

        return in_transaction(request, save)

    return router
