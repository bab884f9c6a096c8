"""Every HTTP request counted and timed by the template of the route that answered it.

The label is the route as declared, under the mounts that led to it
(``/api/v1/accounts/{row_id}``), never the URL: one series per route, not one per row.
A request no route took (a 404, a body refused before routing) is :data:`UNMATCHED`; a
mount that answers by itself (the static files) is ``/static/{path}``.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasasu.kit.metrics import UNMATCHED, observe_request


class RequestMetrics:
    """ASGI middleware; it must sit inside any middleware that copies the scope (the
    router records the route it chose in the scope it is given)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        started, status = perf_counter(), 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if status:  # else nothing was answered (the server stopped, the client left)
                route = route_template(scope, root, status)
                observe_request(scope["method"], route, status, perf_counter() - started)


def route_template(scope: Scope, root_path: str, status: int) -> str:
    """The template of the route that answered, once the app has run; ``root_path`` is the
    scope's before it did (the mounts add theirs)."""
    prefix = str(scope.get("root_path", ""))[len(root_path) :]
    route: Any = scope.get("route")
    template = None if hasattr(route, "routes") else getattr(route, "path_format", None)
    if isinstance(template, str):
        return prefix + template
    if prefix and status != 404:
        return f"{prefix}/{{path}}"
    return UNMATCHED
