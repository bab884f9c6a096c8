"""Real outside edges for playbook actions: a local SMTP server (aiosmtpd) and a local HTTP
receiver that checks the HMAC signature and can be told to fail; and databases that commit."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from kasasu.db import create_db_engine
from kasasu.db.migrate import upgrade
from tests.conftest import new_postgres_database

SECRET = "test-webhook-secret-that-is-32-chars"


@dataclass
class Mailbox:
    """What the SMTP server accepted. ``hold`` makes the next message wait (not stored)
    until ``release``: a sender killed meanwhile never delivered it."""

    messages: list[EmailMessage] = field(default_factory=list)
    hold_at: int | None = None  # hold the message arriving when this many are stored
    delay: float = 0.0  # seconds each message takes, so that two senders overlap
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(self.delay)
        if self.hold_at is not None and len(self.messages) == self.hold_at:
            self.hold_at = None  # once
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.02)
            return "451 try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd's start() connects to its port: name a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        mailbox.released.set()
        controller.stop()


@dataclass
class Receiver:
    """Accepts signed JSON; answers ``fail_first`` requests with 503 first."""

    fail_first: int = 0
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    requests: int = 0
    bad_signatures: int = 0


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.requests += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stamp = self.headers["X-Kasasu-Timestamp"]
            expected = (
                "sha256="
                + hmac.new(
                    SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
            )
            if not hmac.compare_digest(expected, self.headers["X-Kasasu-Signature"]):
                receiver.bad_signatures += 1
                status = 401
            elif receiver.requests <= receiver.fail_first:
                status = 503
            else:
                status = receiver.status
                if status < 300:
                    receiver.bodies.append(json.loads(body))
                    receiver.keys.append(self.headers["Idempotency-Key"])
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RawReceiver:
    """Records every POST as it came (path, headers, bytes), for chat messages and the CRM
    webhook; answers the first ``fail_first`` with 503."""

    fail_first: int = 0
    posts: list[Posted] = field(default_factory=list)  # the ones answered 200
    requests: int = 0


def _raw_handler(receiver: RawReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.requests += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if receiver.requests <= receiver.fail_first:
                self.send_response(503)
            else:
                receiver.posts.append(Posted(self.path, dict(self.headers.items()), body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def raw_receiver() -> Iterator[tuple[RawReceiver, str]]:
    """A receiver and its base URL (http://127.0.0.1:PORT, no path)."""
    found = RawReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _raw_handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database of its own whose commits stay (the runner commits)."""
    url = f"sqlite:///{tmp_path / 'kasasu.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with new_postgres_database() as url:
        upgrade(url)
        yield url
