"""The OpenAPI document says every problem an operation may answer, as problem+json.

FastAPI documents only the success response and its own 422 shape; the API answers problems
(RFC 9457) for bad requests, missing keys, roles, missing rows, conflicts, busy databases and
throttling. They are added here once, by what an operation is: authenticated, addressed by a
path parameter, writing, public.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kasasu.api.problems import PROBLEM

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details, in the caller's language",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                    "input": {},
                },
            },
        },
    },
}

_WHY = {
    "400": "The request cannot be read (not JSON, a NUL character, a number JSON does not allow)",
    "401": "No API key, or an unknown, revoked or expired one",
    "403": "The key's role or scope does not allow this",
    "404": "No such row (in the path, a filter or the body)",
    "409": "Conflicts with stored data (a duplicate external id, a row still referenced)",
    "410": "Gone: no longer answerable (a closed survey)",
    "413": "The request body is too large",
    "422": "Some input is not valid; `errors` says which and why",
    "429": "Too many requests; retry after `Retry-After` seconds",
    "503": "The database is busy; retry after `Retry-After` seconds",
}
_WRITES = {"post", "put", "patch", "delete"}


def _problems(method: str, operation: dict[str, Any]) -> list[str]:
    # 404 everywhere: a path names a row, and a filter or a body may name one too.
    codes = ["400", "404", "413", "422", "503"]
    if operation.get("security"):
        codes += ["401", "403"]
    else:
        codes.append("429")
    if method in _WRITES:
        codes.append("409")
    return codes


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the problems of every operation of ``schema`` (in place) and return it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = _PROBLEM_SCHEMA
    content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            # A route may declare more problems (``responses={403: ...}``): a public route's
            # own refusals; they are problem+json too, with the route's description.
            usual = _problems(method, operation)
            declared = {
                c: r.get("description")
                for c, r in responses.items()
                if c in _WHY and c not in usual
            }
            for code in usual:
                responses[code] = {"description": _WHY[code], "content": content}
            for code, why in declared.items():
                responses[code] = {"description": why or _WHY[code], "content": content}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install(api: FastAPI) -> None:
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = document_problems(generate())
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
