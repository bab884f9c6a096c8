"""Stopping expensive reads (security review F10), as run by ``make bench``.

For the demo company (``kasasu demo``, 2,000 accounts, 24 months) served by ``kasasu serve``
in a child process, with the long read ``GET /api/v1/voice/reasons`` over 120 months (each
month computed apart: minutes of CPU if nothing stops it):

1. time budget 5 s (``KASASU_SERVER__REQUEST_BUDGET_SECONDS``): seconds until the 503, and
   the server's CPU in the 2 s after it;
2. a client that closes its socket 3 s into the request: seconds from then until the
   server's CPU stops growing (less than 0.05 s of CPU in the next 0.5 s);
3. SIGTERM 3 s into the request, graceful timeout 10 s (the default): seconds until exit;
4. the cost of the budget on every read: the middleware around a do-nothing ASGI app
   (µs per request, against the app alone), and ``GET /api/v1/accounts?limit=50`` through
   the real server (median and p95 of 60 requests).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from kasasu.kit.deadline import BudgetMiddleware
from serving import kasasu_output, served

LONG = "/api/v1/voice/reasons?from=2016-01&to=2025-12"
AS_OF = "2026/11/23"


def _prepare(data: Path) -> tuple[dict[str, str], str]:
    env = {
        **os.environ,
        "KASASU_DATA_DIR": str(data),
        "KASASU_LOCALE": "en",
        "KASASU_DEV_MODE": "true",
        "KASASU_REFRESH__SCHEDULED": "false",
    }
    kasasu_output(env, "init")
    kasasu_output(env, "demo", "--as-of", AS_OF)
    created = kasasu_output(env, "apikey", "create", "--name", "b", "--role", "viewer")
    return env, created.split()[-1]


@contextmanager
def _serve(env: dict[str, str], **more: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with served({**env, **more}) as (base, server):
        yield base, server


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _long_request(base: str, key: str) -> socket.socket:
    port = int(base.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET {LONG} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n".encode())
    return sock


def _until_cpu_stops(pid: int, limit: float = 60) -> float:
    """Seconds from now until the process's CPU grows by < 0.05 s over 0.5 s."""
    started = time.monotonic()
    samples: list[tuple[float, float]] = []
    while time.monotonic() - started < limit:
        samples.append((time.monotonic() - started, _cpu(pid)))
        if len(samples) > 5 and samples[-1][1] - samples[-6][1] < 0.05:
            return samples[-6][0]
        time.sleep(0.1)
    return float("inf")


def budget_503(env: dict[str, str], key: str) -> tuple[float, int, float]:
    with _serve(env, KASASU_SERVER__REQUEST_BUDGET_SECONDS="5") as (base, server):
        started = time.monotonic()
        answer = httpx.get(base + LONG, headers={"Authorization": f"Bearer {key}"}, timeout=600)
        took = time.monotonic() - started
        before = _cpu(server.pid)
        time.sleep(2)
        return took, answer.status_code, _cpu(server.pid) - before


def disconnect(env: dict[str, str], key: str) -> float:
    with _serve(env) as (base, server):
        sock = _long_request(base, key)
        time.sleep(3)
        sock.close()
        return _until_cpu_stops(server.pid)


def sigterm(env: dict[str, str], key: str) -> float:
    with _serve(env) as (base, server):
        sock = _long_request(base, key)
        time.sleep(3)
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.wait(timeout=120)
        sock.close()
        return time.monotonic() - started


def reads(env: dict[str, str], key: str) -> tuple[float, float]:
    with _serve(env) as (base, _server), httpx.Client(base_url=base) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        client.get("/api/v1/accounts?limit=50")
        times = []
        for _ in range(60):
            started = time.perf_counter()
            assert client.get("/api/v1/accounts?limit=50").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return statistics.median(times), times[int(0.95 * len(times)) - 1]


def middleware_cost(n: int = 20_000) -> tuple[float, float]:
    """µs per request: a do-nothing ASGI app alone, and inside the budget middleware."""

    async def app(_scope: Any, _receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)  # the client never goes away here
        return {"type": "http.disconnect"}

    async def send(_message: Any) -> None:
        return None

    scope = {"type": "http", "method": "GET", "path": "/"}

    async def timed(target: Any) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await target(scope, receive, send)
            await asyncio.sleep(0)  # the loop runs between requests, as in a server
        return (time.perf_counter() - started) / n * 1e6

    wrapped = BudgetMiddleware(app, seconds=30)
    alone = asyncio.run(timed(app))
    return alone, asyncio.run(timed(wrapped))


def main() -> None:
    alone, wrapped = middleware_cost()
    print(f"budget middleware: {wrapped:.1f} µs per request (the app alone {alone:.1f} µs)")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        env, key = _prepare(Path(tmp) / "data")
        print(f"demo ready in {time.monotonic() - started:.0f} s; load {os.getloadavg()[0]:.1f}")
        took, status, after = budget_503(env, key)
        print(f"1. budget 5 s: {status} after {took:.2f} s; CPU in the next 2 s: {after:.2f} s")
        print(f"2. client gone after 3 s: CPU stopped {disconnect(env, key):.2f} s later")
        print(f"3. SIGTERM 3 s in, graceful 10 s: exited after {sigterm(env, key):.2f} s")
        median, p95 = reads(env, key)
        print(f"4. GET /api/v1/accounts?limit=50: median {median:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
