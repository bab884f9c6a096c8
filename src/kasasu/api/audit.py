"""``/audit``: the audit log, for admins: who changed what, when and from where."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.audit.schemas import AuditFilters, AuditPage
from kasasu.audit.service import list_entries
from kasasu.domain.permissions import Action
from kasasu.kit.paging import DEFAULT_LIMIT, MAX_LIMIT
from kasasu.kit.types import Day, RowId

Origin = Literal["api", "web", "import", "playbook", "cli", "system"]
Entity = Annotated[str, Query(pattern=r"^[a-z_]{1,64}$", examples=["accounts"])]


def audit_router() -> APIRouter:
    router = api_router(prefix="/audit", tags=["audit"])

    @router.get(
        "",
        response_model=AuditPage,
        dependencies=[Depends(require(Action.ADMIN))],
        summary="The audit log, newest first (admins)",
        description=(
            "One entry per changed field of every write through the API, the pages, imports, "
            "playbook actions and the CLI: who (a user's email, an API key's name, a "
            "playbook), what (entity, id, field, before and after; secrets say 'changed'), "
            "when, and from where (client address, X-Request-ID). `since` and `until` are "
            "days in the reporting time zone, both included. The log is append-only."
        ),
    )
    def audit_log(
        request: Request,
        *,
        entity: Entity | None = None,
        entity_id: RowId | None = None,
        actor: Annotated[str | None, Query(max_length=320)] = None,
        origin: Origin | None = None,
        account_id: RowId | None = None,
        since: Day | None = None,
        until: Day | None = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> AuditPage:
        filters = AuditFilters(entity, entity_id, actor, origin, account_id, since, until)
        zone = reporting(request).zone
        return in_transaction(
            request, lambda s: list_entries(s, filters, zone, page=page, per_page=per_page)
        )

    return router
