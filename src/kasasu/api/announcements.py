"""The portal's announcements through the API (the team writes them; contacts read them in
the portal)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.portal.announcements import (
    create_announcement,
    delete_announcement,
    get_announcement,
    list_announcements,
    update_announcement,
)
from kasasu.portal.schemas import AnnouncementCreate, AnnouncementRead
from kasasu.users.schemas import ApiKeyRead


class AnnouncementPage(BaseModel):
    items: list[AnnouncementRead]
    next_cursor: str | None


def announcements_router() -> APIRouter:
    router = api_router(
        prefix="/announcements",
        tags=["announcements"],
        dependencies=[Depends(require(Action.READ))],
    )

    @router.get("", response_model=AnnouncementPage, summary="Announcements, newest first")
    def listed(
        request: Request,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> AnnouncementPage:
        page = in_transaction(request, lambda s: list_announcements(s, cursor=cursor, limit=limit))
        return AnnouncementPage(items=page.items, next_cursor=page.next_cursor)

    @router.post("", response_model=AnnouncementRead, status_code=201)
    def post(
        request: Request,
        body: AnnouncementCreate,
        key: Annotated[ApiKeyRead, Depends(require(Action.WRITE))],
    ) -> AnnouncementRead:
        return in_transaction(request, lambda s: create_announcement(s, body, key.user_id))

    @router.get("/{announcement_id}", response_model=AnnouncementRead)
    def one(request: Request, announcement_id: PathId) -> AnnouncementRead:
        return in_transaction(request, lambda s: get_announcement(s, announcement_id))

    @router.put(
        "/{announcement_id}",
        response_model=AnnouncementRead,
        dependencies=[Depends(require(Action.WRITE))],
    )
    def put(
        request: Request, announcement_id: PathId, body: AnnouncementCreate
    ) -> AnnouncementRead:
        return in_transaction(request, lambda s: update_announcement(s, announcement_id, body))

    @router.delete(
        "/{announcement_id}", status_code=204, dependencies=[Depends(require(Action.WRITE))]
    )
    def remove(request: Request, announcement_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_announcement(s, announcement_id))
        return Response(status_code=204)

    return router
