"""What a monitoring system and a load balancer ask the server (docs/operations.md, Monitoring).

- ``GET /livez``: the process answers (no I/O); restart it when this fails.
- ``GET /readyz``: the database answers ``SELECT 1`` and the event store can be opened; a 503
  names what failed, so a load balancer stops sending traffic until it is back.
- ``GET /metrics``: Prometheus's text format (kasasu.kit.metrics). Its numbers tell how the
  business runs (requests, events, owed actions), so by default only this machine may read
  them: a client on loopback that did not come through a proxy. With
  ``KASASU_SERVER__METRICS_TOKEN`` set, any client sending ``Authorization: Bearer <token>``
  may, and no other.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.exc import SQLAlchemyError

from kasasu.api.context import client_address, context, in_transaction
from kasasu.api.problems import problem, request_locale
from kasasu.db.readiness import database_answers
from kasasu.errors import Unavailable
from kasasu.events.readiness import store_ready
from kasasu.kit.i18n import translate
from kasasu.kit.metrics import CONTENT_TYPE, exposition
from kasasu.playbooks.execution import open_actions

# Headers a reverse proxy adds: a request carrying one came from elsewhere through it, even
# when the proxy on this machine is what connected.
_FORWARDED = ("forwarded", "x-forwarded-for", "x-real-ip")
OWED = "kasasu_playbook_actions_owed"
OWED_HELP = "Playbook actions not done yet: never started, failed with tries left, or abandoned"
log = logging.getLogger("kasasu.monitoring")


@dataclass(frozen=True)
class MonitoringConfig:
    metrics_token: str | None  # None: /metrics answers loopback clients only
    # What makes a playbook action owed (KASASU_PLAYBOOKS__*): as the action runner counts.
    reclaim_after: timedelta
    max_attempts: int


def create_monitoring(config: MonitoringConfig) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/livez", response_class=PlainTextResponse)
    async def livez() -> str:
        return "ok"

    @router.get("/readyz")
    def readyz(request: Request) -> JSONResponse:
        ctx = context(request)
        checks = {
            "database": database_answers(ctx.sessions),
            "event_store": store_ready(ctx.events_path),
        }
        failed = [name for name, ok in checks.items() if not ok]
        body = {
            "status": "unavailable" if failed else "ready",
            "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
            "failed": failed,
        }
        return JSONResponse(body, status_code=503 if failed else 200)

    @router.get("/metrics")
    def metrics(request: Request) -> Response:
        refused = _refusal(request, config.metrics_token)
        if refused is not None:
            return refused
        owed = _owed_actions(request, config)
        gauges = {} if owed is None else {OWED: (OWED_HELP, float(owed))}
        return Response(exposition(gauges), media_type=CONTENT_TYPE)

    return router


def _owed_actions(request: Request, config: MonitoringConfig) -> int | None:
    """The playbook actions the runner still owes (the ids of an indexed status, a cheap
    read), or None when the database does not answer: the other numbers come regardless."""
    try:
        return in_transaction(
            request,
            lambda s: len(open_actions(s, config.reclaim_after, config.max_attempts)),
            write=False,
        )
    except (SQLAlchemyError, Unavailable) as error:
        log.debug("metrics: owed actions not counted (%s)", type(error).__name__)
        return None


def _refusal(request: Request, token: str | None) -> Response | None:
    """None when the caller may read the metrics, else the answer that says why not."""
    locale = request_locale(request)
    if token is not None:
        scheme, _space, sent = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(sent.encode(), token.encode()):
            return None
        detail = translate("Send the metrics token: Authorization: Bearer <token>", locale)
        return problem(request, 401, detail)
    if _loopback(client_address(request)) and not any(h in request.headers for h in _FORWARDED):
        return None
    detail = translate(
        "The metrics answer only this machine; set KASASU_SERVER__METRICS_TOKEN to scrape "
        "them from elsewhere",
        locale,
    )
    return problem(request, 403, detail)


def _loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # not an address: a Unix socket, a test client's name
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
