"""A real ``kasasu serve`` on a free port of 127.0.0.1: for the benchmarks that time it over
loopback (run as scripts from this folder: ``python benchmarks/web.py`` imports this module
as ``serving``) and for the tests that need a server process (``tests/serving.py``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx


def kasasu_output(env: dict[str, str], *args: str) -> str:
    """What a ``kasasu`` command run in a child process printed (an error raises)."""
    done = subprocess.run(
        [sys.executable, "-m", "kasasu", *args], env=env, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    env: dict[str, str],
    *,
    port: int | None = None,
    log: Path | None = None,
    start_seconds: float = 60,
    stop_seconds: float = 30,
    must_stop: bool = False,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The server's base URL and process, once it answers ``/healthz``; stopped after.

    ``port``: a free one by default. ``log``: the server's output goes there, and its last
    lines are in the error when the server exits or does not answer within
    ``start_seconds``. A server still running ``stop_seconds`` after SIGTERM is killed; with
    ``must_stop`` that is an error (the tests check the server's own shutdown).
    """
    port = port or free_port()
    command = [sys.executable, "-m", "kasasu", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(server, base, log, start_seconds)
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


def _wait_until_healthy(
    server: subprocess.Popen[bytes], base: str, log: Path | None, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kasasu serve exited with {server.returncode}{_tail(log)}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).text == "ok":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"kasasu serve did not answer {base}/healthz in {seconds:.0f} s{_tail(log)}")


def _tail(log: Path | None) -> str:
    if log is None:
        return ""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return ":\n" + "\n".join(lines[-30:])
