"""A real `kasasu serve` process on a free port of 127.0.0.1, for tests that need one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.cli import data_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(data: Path, **env: str) -> Iterator[str]:
    """Serve the data directory ``data``; yields the base URL once /healthz answers.

    ``env``: more settings, e.g. ``KASASU_DATABASE_URL`` for PostgreSQL.
    """
    with serving(data, **env) as (base, _server):
        yield base


@contextmanager
def serving(data: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """:func:`served`, yielding the server process as well (to signal it, to read its CPU
    time). A server that has not stopped 10 s after SIGTERM is killed, and that fails."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kasasu", "serve", "--port", str(port)],
        env=data_env(
            data,
            KASASU_SECRET_KEY="test-secret-that-is-long-enough-32",
            KASASU_PLAYBOOKS__WEBHOOK_SECRET="test-webhook-secret-long-enough-32",
            **env,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise
