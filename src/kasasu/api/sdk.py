"""The SDK's side of the API: the events a product's pages send (public, CORS for the
origins an environment lists, the user's identity signed by the product's server), and the
environments (admin: made with a secret shown once).

Refusals are one 403 whatever the cause (unknown key, origin not listed, wrong signature,
unknown account), so a caller learns nothing about which; each client address may send
KASASU_LIMITS__SDK_PER_ADDRESS batches a window (429 with Retry-After beyond)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from kasasu.api.auth import require
from kasasu.api.context import client_address, context, in_transaction, transactions
from kasasu.api.problems import error_problem
from kasasu.api.routing import PlainTextJsonRoute, api_router, cors_headers
from kasasu.domain.permissions import Action
from kasasu.errors import KasasuError, Throttled
from kasasu.guides.schemas import EnvironmentCreate, EnvironmentRead, SdkAccepted, SdkBatch
from kasasu.guides.service import (
    accept_events,
    create_environment,
    list_environments,
    origin_listed,
)
from kasasu.kit.i18n import _

PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not accepted: the key, the origin, the signature or the account"},
    429: {"description": "Too many batches from this address; retry after Retry-After"},
}


class EnvironmentMade(BaseModel):
    environment: EnvironmentRead
    secret: str  # shown once: the product's server signs identities with it


def _cors(origin: str | None) -> dict[str, str]:
    return cors_headers(origin, "POST, OPTIONS", "Content-Type")


def _listed(request: Request, asked: str | None) -> str | None:
    """The origin if listed, so the page can read a refusal (none if that cannot be told)."""
    try:
        return in_transaction(request, lambda s: origin_listed(s, asked), write=False)
    except KasasuError:
        return None


def sdk_preflight(request: Request) -> Response:
    """CORS for a public SDK route: allowed for an origin an enabled environment lists."""
    asked = request.headers.get("origin")
    origin = in_transaction(request, lambda s: origin_listed(s, asked))
    return Response(status_code=204 if origin else 403, headers=_cors(origin))


def sdk_answer(
    request: Request, environment: str, answer: Callable[[], BaseModel], *, status: int = 200
) -> Response:
    """A public SDK route's answer: limited per environment and client address, and with
    CORS for the origin when it is listed (on a refusal too, so the page can read it)."""
    asked = request.headers.get("origin")
    ctx = context(request)
    try:
        wait = ctx.sdk_limit.hit(f"{environment}|{client_address(request)}")
        if wait:
            message = _(
                "Too many requests from your address. Try again in {seconds} seconds.",
                seconds=wait,
            )
            raise Throttled(message, wait)
        found = answer()
    except KasasuError as error:
        problem = error_problem(request, error)
        if not isinstance(error, Throttled):
            problem.headers.update(_cors(_listed(request, asked)))
        return problem
    # Answered: an enabled environment lists the origin (what origin_listed asks).
    origin = (asked or "").rstrip("/")
    return JSONResponse(found.model_dump(mode="json"), status_code=status, headers=_cors(origin))


def sdk_router() -> APIRouter:
    router = api_router(tags=["sdk"])

    router.add_api_route("/sdk/events", sdk_preflight, methods=["OPTIONS"], include_in_schema=False)

    def events(request: Request, batch: SdkBatch) -> Response:
        ctx = context(request)
        asked = request.headers.get("origin")
        return sdk_answer(
            request,
            batch.environment,
            lambda: accept_events(
                transactions(request), ctx.events_path, batch, asked, ctx.sdk_checked
            ),
            status=202,
        )

    # A JSON body, also as text/plain: what the script's navigator.sendBeacon sends when the
    # page closes (a type that needs no preflight).
    router.add_api_route(
        "/sdk/events",
        events,
        methods=["POST"],
        response_model=SdkAccepted,
        status_code=202,
        summary="Events from the SDK in a product's pages (public; CORS: listed origins)",
        description="The same JSON body is taken as `text/plain` (the script's beacon).",
        responses=PROBLEMS,
        route_class_override=PlainTextJsonRoute,
    )

    @router.get(
        "/sdk/environments",
        response_model=list[EnvironmentRead],
        dependencies=[Depends(require(Action.ADMIN))],
        summary="The SDK's environments",
    )
    def environments(request: Request) -> list[EnvironmentRead]:
        return in_transaction(request, list_environments)

    @router.post(
        "/sdk/environments",
        response_model=EnvironmentMade,
        status_code=201,
        dependencies=[Depends(require(Action.ADMIN))],
        summary="Make an environment (its secret is shown once)",
    )
    def make(request: Request, body: EnvironmentCreate) -> EnvironmentMade:
        made, secret = in_transaction(request, lambda s: create_environment(s, body))
        return EnvironmentMade(environment=made, secret=secret)

    return router
