"""The signed session cookie belongs to the pages and the portal; the APIs other machines
call with a key or a signature (/api/v1, Segment's /v1, /webhooks) pass by it (issue 21:
its parsing was 3-4% of a small API write in the server): their requests have no session."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.routing import Mount

from kasasu.app import create_app
from kasasu.settings import Settings


def _probe(request: Request) -> dict[str, bool]:
    return {"session": "session" in request.scope}


def test_the_session_is_the_pages_and_the_portals_not_the_keyed_apis(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, secret_key=SecretStr("x" * 40), dev_mode=True, locale="en"
    )
    site = create_app(settings)
    site.add_api_route("/probe", _probe)
    mounts = {r.path: r.app for r in site.routes if isinstance(r, Mount)}
    for path in ("/api/v1", "/v1", "/webhooks", "/portal/api"):
        app = mounts[path]
        assert isinstance(app, FastAPI), path
        app.add_api_route("/probe", _probe)
    with TestClient(site) as client:
        assert client.get("/login").cookies.get("kasasu_session")  # the form's CSRF token
        assert client.get("/probe").json() == {"session": True}
        assert client.get("/portal/api/probe").json() == {"session": True}
        for path in ("/api/v1", "/v1", "/webhooks"):
            assert client.get(f"{path}/probe").json() == {"session": False}, path
