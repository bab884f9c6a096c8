"""``POST /events``: a batch of product usage events (Segment-style ingestion).

The body is read as bytes and validated in one pass by pydantic-core, which is several times
faster than FastAPI's json.loads-then-validate on a 10,000-event batch; the request schema is
declared in ``openapi_extra`` so the API docs still show it.
"""

# No "from __future__ import annotations": FastAPI must see the runtime classes.

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.concurrency import run_in_threadpool

from kasasu.api.auth import require
from kasasu.api.context import context
from kasasu.api.problems import problem, request_locale
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.errors import FieldError, InvalidInput
from kasasu.events.schemas import EVENT_LIST, MAX_BATCH, EventIn, IngestResult
from kasasu.events.service import ingest_batch
from kasasu.kit.i18n import _, translate
from kasasu.kit.validation import pydantic_reason

# Far above 10,000 plausible events; a longer body is refused before it is read
# (kasasu.api.body_limit, wired in kasasu.app).
MAX_BODY_BYTES = 64 * 1024 * 1024

_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_BATCH,
    "items": EventIn.model_json_schema(),
}


def events_router() -> APIRouter:
    router = api_router(tags=["events"])

    @router.post(
        "/events",
        response_model=IngestResult,
        dependencies=[Depends(require(Action.IMPORT))],
        summary="Send usage events",
        description=(
            f"A JSON array of up to {MAX_BATCH:,} events. An event whose `event_id` is already "
            "stored is counted as a duplicate and not stored again; without `event_id`, the id "
            "is derived from the other fields. Timestamps need a UTC offset."
        ),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _REQUEST_SCHEMA}},
            }
        },
        responses={400: {"description": "Not JSON"}, 413: {"description": "Too many events"}},
    )
    async def post_events(request: Request) -> Any:
        body = await request.body()
        try:
            events = EVENT_LIST.validate_json(body)
        except ValidationError as exc:
            unreadable = [e for e in exc.errors() if e["type"] == "json_invalid"]
            if unreadable:
                deep = "recursion limit" in str(unreadable[0]["msg"])
                msgid = (
                    "The JSON is nested too deeply"
                    if deep
                    else "The request body is not valid JSON"
                )
                return problem(request, 400, translate(msgid, request_locale(request)))
            raise _invalid(exc) from None
        if len(events) > MAX_BATCH:
            return _too_many(request, len(events))
        # DuckDB work blocks; keep it off the event loop as FastAPI does for sync handlers.
        return await run_in_threadpool(ingest_batch, context(request).events_path, events)

    return router


def _too_many(request: Request, count: int) -> Any:
    detail = translate(
        "{count} events in one request; send at most {limit} per request",
        request_locale(request),
        count=f"{count:,}",
        limit=f"{MAX_BATCH:,}",
    )
    return problem(request, 413, detail)


def _invalid(exc: ValidationError) -> InvalidInput:
    errors = [_field_error(e) for e in exc.errors()[:100]]
    first = errors[0]
    if len(first.loc) < 3:
        return InvalidInput(first.message, errors)
    return InvalidInput(
        _(
            "Event {index}, {field}: {reason}; no event was stored",
            index=first.loc[1],
            field=first.loc[-1],
            reason=first.message,
        ),
        errors,
    )


def _field_error(error: ErrorDetails) -> FieldError:
    loc = ("body", *error["loc"])
    if error["type"] == "list_type" and not error["loc"]:
        return FieldError(loc, _("Send a JSON array of events"), None)
    return FieldError(loc, pydantic_reason(error), error.get("input"))
