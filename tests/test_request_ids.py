"""Security review F15: no request data in logs; a request id in and out; one line per 500.

Before: SQLAlchemy errors quoted bound parameters (names, emails, comments) into the log
(1,331 lines in the review) and one failing request logged a ~170-line traceback.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.routing import Mount

from kasasu.api.request_ids import new_request_id
from kasasu.app import create_app
from kasasu.db import create_db_engine
from kasasu.settings import Settings

SECRET_VALUE = "山田花子 hanako@example.com"


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_database_errors_never_quote_the_values(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'x.db'}"
        if database == "sqlite"
        else request.getfixturevalue("postgresql_database")
    )
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as caught:
            connection.execute(
                sa.text("SELECT * FROM no_such_table WHERE x = :x"), {"x": SECRET_VALUE}
            )
    finally:
        engine.dispose()
    assert SECRET_VALUE not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        data_dir=tmp_path, secret_key=SecretStr("x" * 40), dev_mode=True, locale="en"
    )
    app = create_app(settings)

    def boom(email: str = "") -> None:
        raise RuntimeError(f"cannot handle {email}")

    app.add_api_route("/boom", boom)
    api = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1")
    api.add_api_route("/boom", boom)
    return app


def test_a_request_id_comes_back_and_is_made_when_missing(app: FastAPI) -> None:
    with TestClient(app) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert given.headers["X-Request-ID"] == "abc-123"
        made = client.get("/healthz", headers={"X-Request-ID": "bad id\x7f" + "x" * 80})
        assert len(made.headers["X-Request-ID"]) == 32
        assert made.headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


@pytest.mark.parametrize("path", ["/boom", "/api/v1/boom"])
def test_an_unexpected_error_is_one_log_line_with_the_request_id(
    app: FastAPI, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(
            path, params={"email": SECRET_VALUE}, headers={"X-Request-ID": "req-42"}
        )
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-42"
    assert "quote request id req-42" in response.text
    if path.startswith("/api"):
        assert response.headers["content-type"] == "application/problem+json"
    server = [r for r in caplog.records if not r.name.startswith("httpx")]
    lines = [r for r in server if r.levelno >= logging.INFO]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    line = lines[0].getMessage()
    assert line.startswith(
        "request req-42 failed: GET /boom: RuntimeError at tests/test_request_ids.py:"
    )
    assert line.endswith(" in boom")
    assert "\n" not in line
    assert "hanako" not in line
    assert lines[0].exc_info is None


def test_made_ids_are_unique_hex_and_differ_between_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = [new_request_id() for _ in range(1_000)]
    assert len(set(made)) == 1_000
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in made)
    # Another process (a forked server worker) draws its own prefix: its ids are not ours
    # even where the serial numbers meet.
    monkeypatch.setattr(os, "getpid", lambda: -1)
    other = new_request_id()
    assert other[:16] not in {rid[:16] for rid in made}
