"""Issue 21: structured logs (KASASU_LOG_FORMAT=json), each line naming the request it was
written for, with the id the answer carries in X-Request-ID."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kasasu.app import create_app
from kasasu.kit.logs import (
    configure_logging,
    log_handler,
    logging_config,
    serving_request,
)
from kasasu.settings import Settings

log = logging.getLogger("kasasu.tests")


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        data_dir=tmp_path, secret_key=SecretStr("x" * 40), dev_mode=True, locale="en"
    )
    app = create_app(settings)

    def noted() -> str:  # a plain def: FastAPI runs it in a worker thread
        log.warning("noted in a thread")
        return "ok"

    app.add_api_route("/noted", noted)
    return app


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What the JSON handler writes, from every logger (it sits on the root logger)."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_logs_one_json_line_with_its_request_id(
    app: FastAPI, captured: io.StringIO
) -> None:
    with TestClient(app) as client:
        # No Stripe secret here: the webhook refuses and says so in the log.
        answer = client.post("/webhooks/stripe", content=b"{}")
        assert answer.status_code == 503
        noted = client.get("/noted", headers={"X-Request-ID": "given-id.1"})
    written = lines(captured)
    webhook = [line for line in written if line["logger"] == "kasasu.webhooks"]
    assert len(webhook) == 1
    line = webhook[0]
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32  # made by the server: none was sent
    assert line["level"] == "WARNING"
    assert "KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET is unset" in line["message"]
    when = datetime.fromisoformat(line["time"])
    assert when.utcoffset() == timedelta(0)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60
    # The id reaches the threads that run plain-def routes too.
    threaded = [line for line in written if line["logger"] == "kasasu.tests"]
    assert [(t["message"], t["request_id"]) for t in threaded] == [
        ("noted in a thread", "given-id.1")
    ]
    assert noted.headers["X-Request-ID"] == "given-id.1"


def test_a_line_outside_a_request_has_no_request_id_and_an_error_its_traceback(
    captured: io.StringIO,
) -> None:
    log.warning("refresh %s: %s accounts scored", "2026-11-24", 3)
    with serving_request("req-9"):
        try:
            {}["missing"]
        except KeyError:
            log.exception("refresh failed: 山田")
    first, second = lines(captured)
    assert first["message"] == "refresh 2026-11-24: 3 accounts scored"
    assert set(first) == {"time", "level", "logger", "message"}
    assert second["request_id"] == "req-9"
    assert second["message"] == "refresh failed: 山田"  # as written, not \\u-escaped
    assert second["exception"].startswith("Traceback (most recent call last)")
    assert "KeyError: 'missing'" in second["exception"]
    assert "山田" in captured.getvalue()
    assert len(captured.getvalue().splitlines()) == 2  # a traceback stays in its line


def test_the_text_format_names_the_request_too() -> None:
    stream = io.StringIO()
    handler = log_handler("text", stream)
    record = logging.LogRecord("kasasu.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None)
    with serving_request("abc-1"):
        handler.handle(record)
    line = stream.getvalue().strip()
    stamp, rest = line.split(" ", 1)
    assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
    assert rest == "WARNING kasasu.x [abc-1] hello you"


@contextmanager
def logging_restored() -> Iterator[None]:
    """The root and uvicorn loggers as they were after the test (dictConfig replaces them)."""
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for logger, handlers, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def test_the_configuration_sends_uvicorns_lines_through_the_same_handler() -> None:
    stream = io.StringIO()
    with logging_restored():
        config = logging_config("json")
        config["handlers"]["default"]["stream"] = stream
        logging.config.dictConfig(config)
        logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
        with serving_request("r-1"):
            access = logging.getLogger("uvicorn.access")
            access.warning('%s - "%s %s" %d', "1.2.3.4", "GET", "/", 200)
        logging.getLogger("kasasu.scheduler").info("below the level: not written")
    written = lines(stream)
    assert [(w["logger"], w["message"], w.get("request_id")) for w in written] == [
        ("uvicorn.error", "Invalid HTTP request received.", None),
        ("uvicorn.access", '1.2.3.4 - "GET /" 200', "r-1"),
    ]
    with pytest.raises(ValueError, match="text, json"):
        configure_logging("xml")  # type: ignore[arg-type]
