"""A real ``kasasu serve`` on a free port of 127.0.0.1: for the benchmarks that time it over
loopback (run as scripts from this folder: ``python benchmarks/web.py`` imports this module
as ``serving``) and for the tests that need a server process (``tests/serving.py``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

PG_URL = os.environ.get("KASASU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/")


@contextmanager
def scratch_postgres() -> Iterator[str | None]:
    """A new, empty PostgreSQL database for one benchmark, dropped after it; None (said on
    the output) when the server cannot be reached."""
    try:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"kasasu_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL: not measured ({str(exc).splitlines()[0]})")
        yield None
        return
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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


@dataclass(frozen=True)
class Load:
    """How a route is loaded: events a request, senders at once (one request in flight
    each), seconds timed, requests sent first and not timed."""

    batch: int
    senders: int
    seconds: float
    warm: int


def rate(
    base: str,
    path: str,
    body: Callable[[int], object],
    headers: dict[str, str],
    load: Load,
) -> tuple[float, list[float]]:
    """Events per second taken by ``path`` from ``load.senders`` senders, and each
    request's seconds (after ``load.warm`` requests not timed: a served route's first
    requests build what it needs)."""
    took: list[float] = []
    failed: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(load.warm):
            response = client.post(path, json=body(0), headers=headers)
            assert response.status_code in (200, 201, 202), response.text
    started = time.perf_counter()

    def sender(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() - started < load.seconds:
                began = time.perf_counter()
                response = client.post(path, json=body(n), headers=headers)
                if response.status_code not in (200, 201, 202):
                    failed.append(response.text)
                    return
                took.append(time.perf_counter() - began)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(load.senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed, failed[0]
    return len(took) * load.batch / (time.perf_counter() - started), took


def latency(took: list[float]) -> str:
    ordered = sorted(took)
    median, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]
    return f"request latency median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
