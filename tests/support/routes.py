"""Walking an app's routes as FastAPI holds them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every route, those of included routers too (FastAPI includes them lazily; the
    pages' routers have no prefix)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)


def routes_naming_a_row(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(method, route) of every route with an ``…_id`` in its path."""
    return [
        (method, route)
        for route in api_routes(app.routes)
        if re.search(r"\{\w+_id\}", route.path)
        for method in sorted(route.methods - {"HEAD"})
    ]
