"""A sync API endpoint costs one hand-over to a worker thread (issue 21): the endpoint runs in
a thread as before, and its answer is validated and serialised on the event loop instead of
in a second thread; its parameters, answer model and OpenAPI document are unchanged."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, SecretStr, field_validator
from starlette.routing import Mount

from kasasu.api.routing import api_router
from kasasu.app import create_app
from kasasu.settings import Settings

seen: dict[str, int] = {}


class Thing(BaseModel):
    name: str
    size: int

    @field_validator("name")
    @classmethod
    def _where(cls, value: str) -> str:
        seen["validated"] = threading.get_ident()
        return value


async def _on_the_loop() -> None:
    seen["loop"] = threading.get_ident()


def _app() -> FastAPI:
    router = api_router()

    @router.get("/things/{name}", response_model=Thing, dependencies=[Depends(_on_the_loop)])
    def get_thing(name: str, size: int = 1) -> dict[str, Any]:
        seen["endpoint"] = threading.get_ident()
        return {"name": name, "size": size, "secret": "not part of the answer"}

    app = FastAPI()
    app.include_router(router)
    return app


def test_a_sync_endpoint_runs_in_a_thread_and_its_answer_is_serialised_on_the_loop() -> None:
    seen.clear()
    app = _app()
    with TestClient(app) as client:
        answer = client.get("/things/box", params={"size": 3})
        assert answer.status_code == 200
        assert answer.json() == {"name": "box", "size": 3}  # the answer model, filtered
        assert client.get("/things/box", params={"size": "big"}).status_code == 422
    assert seen["endpoint"] != seen["loop"]  # the database work stays off the event loop
    assert seen["validated"] == seen["loop"]  # FastAPI would validate in a second thread
    parameters = app.openapi()["paths"]["/things/{name}"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {"name", "size"}


def test_every_app_of_the_server_leaves_opentelemetry_off(tmp_path: Path) -> None:
    """Kasasu counts its own requests (/metrics); FastAPI's instrumentation, on by default,
    asked OpenTelemetry's global providers on every request of every mounted app."""
    settings = Settings(data_dir=tmp_path, secret_key=SecretStr("x" * 40), locale="en")
    site = create_app(settings)
    apps = [site, *(r.app for r in site.routes if isinstance(r, Mount))]
    fastapi_apps = [app for app in apps if isinstance(app, FastAPI)]
    assert len(fastapi_apps) >= 5  # the site, the API, intake, webhooks, the portal's API
    for app in fastapi_apps:
        assert not any(app._telemetry[k] for k in ("tracing", "metrics", "logs")), app.title
