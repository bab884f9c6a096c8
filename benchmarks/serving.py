"""A real ``kasasu serve`` on a free port of 127.0.0.1: for the benchmarks that time it over
loopback (run as scripts from this folder: ``python benchmarks/web.py`` imports this module
as ``serving``) and for the tests that need a server process (``tests/serving.py``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    env: dict[str, str], *, stop_seconds: float = 30, must_stop: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The server's base URL and process, once it answers ``/healthz``; stopped after.

    A server still running ``stop_seconds`` after SIGTERM is killed; with ``must_stop``
    that is an error (the tests check the server's own shutdown).
    """
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kasasu", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("kasasu serve did not start")
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=stop_seconds)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
                if must_stop:
                    raise
