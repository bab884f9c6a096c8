"""Segment's HTTP API at ``/v1`` (``track``, ``identify``, ``group``, ``page``, ``screen``,
``batch``), so a product instrumented with Segment, RudderStack or their libraries points at
Kasasu by changing the host. The write key is the HTTP Basic user (the password empty), or
``writeKey`` in the body as the libraries also send it. Refusals are problem+json: 401 for
no key, an unknown or a revoked one; 400 for a body that is not a call. A call that cannot
be applied (a ``track`` of a user no ``group`` call tied to an account) is skipped and said
in the answer; the batch's other calls are applied."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

import base64
import gzip
import io
import json
import zlib
from typing import Any

from fastapi import FastAPI, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kasasu.api.context import ApiContext, context, in_transaction
from kasasu.api.problems import machine_app, problem, request_locale
from kasasu.errors import FieldError, InvalidInput
from kasasu.intake.schemas import IntakeResult, SegmentBatch, SegmentCall
from kasasu.intake.service import accept_calls, source_for_key
from kasasu.kit.i18n import translate
from kasasu.kit.validation import pydantic_reason

MOUNT = "/v1"
MAX_INFLATED = 8 * 1024 * 1024  # a gzip body may not grow beyond this
SINGLE = ("track", "identify", "group", "page", "screen")
WRITING = ("group", "identify")


def create_intake(ctx: ApiContext) -> FastAPI:
    app = machine_app("Kasasu event intake (Segment HTTP API)", ctx)

    @app.post("/batch", response_model=IntakeResult)
    async def batch(request: Request) -> Any:
        return await _accept(request, None)

    for kind in SINGLE:
        app.add_api_route(f"/{kind}", _single(kind), methods=["POST"], response_model=IntakeResult)
    return app


def _single(kind: str) -> Any:
    async def one(request: Request) -> Any:
        return await _accept(request, kind)

    one.__name__ = f"post_{kind}"
    return one


async def _accept(request: Request, kind: str | None) -> Any:
    try:
        raw = _inflated(request, await request.body())
        # A batch is parsed and validated in one pass by pydantic-core (as /api/v1/events).
        body = None if kind is None else json.loads(raw)
        if kind is None:
            found = SegmentBatch.model_validate_json(raw)
            calls, key = found.batch, found.writeKey
        elif isinstance(body, dict):
            calls, key = [SegmentCall.model_validate({**body, "type": kind})], body.get("writeKey")
        else:
            return problem(request, 400, translate("Send a JSON object", request_locale(request)))
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            return _not_json(request)
        raise _invalid(exc) from None
    except (ValueError, OSError, EOFError, zlib.error):  # EOFError: a gzip body cut short
        return _not_json(request)
    key = _basic_user(request) or key
    ctx = context(request)
    # Only group and identify calls write to the database; a batch of events reads it.
    writes = any(c.type in WRITING for c in calls)

    def work() -> IntakeResult:
        return in_transaction(
            request,
            lambda s: accept_calls(s, ctx.events_path, source_for_key(s, key), calls),
            write=writes,
        )

    # The event store's writes block; keep them off the event loop.
    return await run_in_threadpool(work)


def _not_json(request: Request) -> Any:
    return problem(
        request, 400, translate("The request body is not valid JSON", request_locale(request))
    )


def _inflated(request: Request, body: bytes) -> bytes:
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return body
    out = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_INFLATED + 1)
    if len(out) > MAX_INFLATED:
        raise ValueError("too large once inflated")
    return out


def _basic_user(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded.split(":", 1)[0] or None


def _invalid(exc: ValidationError) -> InvalidInput:
    errors = [
        FieldError(("body", *e["loc"]), pydantic_reason(e), e.get("input")) for e in exc.errors()
    ][:100]
    return InvalidInput(errors[0].message, errors)
