"""One router factory for the resources that are plain create/read/update/delete/list."""

# No "from __future__ import annotations": FastAPI must see the runtime schema classes.

from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, create_model

from kasasu.api.auth import require
from kasasu.api.context import in_transaction
from kasasu.api.routing import PathId, api_router
from kasasu.db.service import CrudService
from kasasu.domain.permissions import Action
from kasasu.kit.paging import DEFAULT_LIMIT, MAX_LIMIT

T = TypeVar("T", bound=BaseModel)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as ?cursor= to get the next page")


class ListParams(BaseModel):
    sort: str | None = Field(default=None, description="A field, '-' first for descending")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def crud_router(
    *,
    path: str,
    tag: str,
    item: str,
    service: CrudService[Any, Any, Any, Any],
    create: type[BaseModel],
    update: type[BaseModel],
    read: type[BaseModel],
    filters: type[BaseModel],
) -> APIRouter:
    router = api_router(prefix=path, tags=[tag])
    page_model = PageOut[read]  # type: ignore[valid-type]
    sortable = service.repository.sortable
    sort_values = tuple(sortable) + tuple(f"-{field}" for field in sortable)
    sort_type: Any = Literal[sort_values] | None
    query_model = create_model(  # one model: FastAPI lists each field as a query parameter
        f"{read.__name__}Query",
        __base__=(filters, ListParams),
        # The sort fields in the OpenAPI document, so clients (and fuzzers) know them.
        sort=(sort_type, Field(default=None, description="A field, '-' first for descending")),
    )
    readers = [Depends(require(Action.READ))]
    writers = [Depends(require(Action.WRITE))]

    @router.get("", response_model=page_model, dependencies=readers, summary=f"List {tag}")
    def list_rows(request: Request, params: Annotated[query_model, Query()]) -> Any:
        values = params.model_dump()
        sort, cursor, limit = values.pop("sort"), values.pop("cursor"), values.pop("limit")
        page = in_transaction(
            request,
            lambda s: service.list_page(s, values, sort=sort, cursor=cursor, limit=limit),
        )
        return page_model(items=page.items, next_cursor=page.next_cursor)

    @router.post(
        "", response_model=read, status_code=201, dependencies=writers, summary=f"Create {item}"
    )
    def create_row(request: Request, body: create) -> Any:  # type: ignore[valid-type]
        return in_transaction(request, lambda s: service.create(s, body))

    @router.get("/{row_id}", response_model=read, dependencies=readers, summary=f"Get {item}")
    def get_row(request: Request, row_id: PathId) -> Any:
        return in_transaction(request, lambda s: service.get(s, row_id))

    @router.patch("/{row_id}", response_model=read, dependencies=writers, summary=f"Update {item}")
    def update_row(request: Request, row_id: PathId, body: update) -> Any:  # type: ignore[valid-type]
        return in_transaction(request, lambda s: service.update(s, row_id, body))

    @router.delete(
        "/{row_id}",
        status_code=204,
        dependencies=[Depends(require(Action.DELETE))],
        summary=f"Delete {item}",
    )
    def delete_row(request: Request, row_id: PathId) -> Response:
        in_transaction(request, lambda s: service.delete(s, row_id))
        return Response(status_code=204)

    return router
