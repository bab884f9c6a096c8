"""Log lines as text or as JSON (``KASASU_LOG_FORMAT``), each naming the request it was
written while serving.

The request id (kasasu.api.request_ids) is kept in a context variable for as long as the
request is served, in its threads too; a filter on the handler copies it onto every record,
whichever logger wrote it (Kasasu's, uvicorn's, a library's). In JSON each line is one
object: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id`` when
there is one and ``exception`` (the traceback) when the record has one.

:func:`logging_config` is a :func:`logging.config.dictConfig` dictionary: ``kasasu serve``
hands it to uvicorn as its ``log_config``, which applies it in every worker process, so
uvicorn's own error and access lines come out in the same format.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

LogFormat = Literal["text", "json"]
FORMATS: tuple[LogFormat, ...] = ("text", "json")
LEVEL = "WARNING"  # Kasasu writes what an operator should see at WARNING and above

_request_id: ContextVar[str | None] = ContextVar("kasasu_request_id", default=None)


@contextmanager
def serving_request(request_id: str) -> Iterator[None]:
    """Inside, every log record carries ``request_id``."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served (or None) on the record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _utc(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # Non-ASCII as is (Japanese stays readable); json escapes newlines, so one line each.
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-11-24T03:00:01.234+00:00 WARNING kasasu.scheduler [id] message`` (the id when
    serving a request), then the traceback if any."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s%(request)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request = f" [{request_id}]" if request_id else ""
        return f"{_utc(record)} {super().format(record)}"


def _utc(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class _StandardError(logging.StreamHandler[IO[str]]):
    """Writes to whatever ``sys.stderr`` is when a line is written, not when the handler was
    made (a command run inside a test runner has its standard error swapped, then closed)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass  # StreamHandler's own assignment


def log_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing ``log_format`` lines to ``stream`` (default: standard error)."""
    handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def logging_config(log_format: LogFormat) -> dict[str, Any]:
    """Every record to standard error in ``log_format``, from WARNING up (uvicorn's loggers
    included: they lose their own handlers and pass their records up to this one)."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {
            "default": {"()": f"{__name__}.log_handler", "log_format": log_format},
        },
        "root": {"handlers": ["default"], "level": LEVEL},
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
        },
    }


def configure_logging(log_format: LogFormat) -> None:
    """Set up this process's logging (``kasasu serve``, ``kasasu worker``)."""
    logging.config.dictConfig(logging_config(log_format))
