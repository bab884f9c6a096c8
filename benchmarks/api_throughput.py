"""Throughput of the JSON API against a bare Starlette hello-world (issue 21), as run by
``make bench``.

One run, one client, the same uvicorn settings for every server (one process on
127.0.0.1, log level warning, no server header): a Starlette app answering ``hello`` and
``kasasu serve`` over the demo company (``kasasu demo --accounts 2000 --months 1``) on SQLite
and, when one answers at ``KASASU_BENCH_POSTGRES_URL``, in a fresh PostgreSQL database.
The client (plain HTTP/1.1 on asyncio streams over uvloop, keep-alive) keeps 32
connections busy, each sending its next
request when the last one is answered, for ``SECONDS`` after ``WARM`` requests per task
not timed. Routes: ``GET /api/v1/accounts/{id}`` (ids in turn over all accounts) and
``GET /api/v1/accounts?limit=50``, with a viewer's API key.

Prints requests per second, p50 and p99 per route, and each rate as a share of the
hello-world's. Targets (issue 21): one account ≥ 0.15×, a page of 50 ≥ 0.05×, p99 ≤ 100 ms.
The client shares the machine's cores with the server, as it did for the issue's figures.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvloop

from serving import _wait_until_healthy, free_port, kasasu_output, scratch_postgres, served

CLIENTS = 32
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "10"))
WARM = 5
ACCOUNTS = 2_000
AS_OF = "2026/11/23"
TARGETS = {"one account": 0.15, "page of 50": 0.05}
TARGET_P99_MS = 100.0

HELLO = """
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def hello(request):
    return PlainTextResponse("hello")

async def healthz(request):
    return PlainTextResponse("ok")

app = Starlette(routes=[Route("/healthz", healthz), Route("/", hello)])
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", server_header=False)
"""


@contextmanager
def _hello() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-c", HELLO.replace("{port}", str(port))]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(server, base, None, 30)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one GET on a kept-alive connection; its status once the whole body is read."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    await reader.readexactly(length)
    return int(lines[0].split(" ", 2)[1])


async def _drive(
    base: str, paths: Iterator[str], headers: dict[str, str]
) -> tuple[float, list[float]]:
    """Requests per second and each request's seconds, from CLIENTS connections at once.

    A plain HTTP/1.1 keep-alive client on asyncio streams: httpx's own cost (~3 ms of CPU a
    request) would make the client, on the same cores, what is measured."""
    host, port = base.removeprefix("http://").split(":")
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    took: list[float] = []

    async def task(until: float | None) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            count = 0
            while count < WARM if until is None else time.perf_counter() < until:
                request = f"GET {next(paths)} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n"
                began = time.perf_counter()
                status = await _get(reader, writer, request.encode())
                if status != 200:
                    raise RuntimeError(f"GET answered {status}")
                if until is not None:
                    took.append(time.perf_counter() - began)
                count += 1
        finally:
            writer.close()

    await asyncio.gather(*(task(None) for _ in range(CLIENTS)))
    started = time.perf_counter()
    await asyncio.gather(*(task(started + SECONDS) for _ in range(CLIENTS)))
    return len(took) / (time.perf_counter() - started), took


def _measure(
    base: str, paths: Iterator[str], headers: dict[str, str]
) -> tuple[float, float, float]:
    rate, took = uvloop.run(_drive(base, paths, headers))
    ordered = sorted(took)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return rate, p50, p99


def _line(name: str, figures: tuple[float, float, float], hello: float | None = None) -> str:
    rate, p50, p99 = figures
    text = f"  {name:<14} {rate:8,.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
    if hello:
        share, target = rate / hello, TARGETS[name]
        met = share >= target and p99 <= TARGET_P99_MS
        verdict = "met" if met else "NOT met"
        text += f"  {share:.3f}× hello (target ≥ {target}×, p99 ≤ 100 ms: {verdict})"
    return text


def _prepare(data: Path, database_url: str | None) -> tuple[dict[str, str], str]:
    env = {
        **os.environ,
        "KASASU_DATA_DIR": str(data),
        "KASASU_LOCALE": "en",
        "KASASU_DEV_MODE": "true",
        "KASASU_REFRESH__SCHEDULED": "false",
    }
    if database_url:
        env["KASASU_DATABASE_URL"] = database_url
    kasasu_output(env, "init")
    kasasu_output(env, "demo", "--accounts", str(ACCOUNTS), "--months", "1", "--as-of", AS_OF)
    created = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "viewer")
    return env, created.split()[-1]


def _kasasu(name: str, database_url: str | None, hello: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env, key = _prepare(Path(tmp), database_url)
        headers = {"Authorization": f"Bearer {key}"}
        with served(env) as (base, _server):
            first = httpx.get(f"{base}/api/v1/accounts?limit=1&sort=id", headers=headers)
            low = first.json()["items"][0]["id"]
            ids = itertools.cycle(range(low, low + ACCOUNTS))
            one = _measure(base, (f"/api/v1/accounts/{i}" for i in ids), headers)
            page = _measure(base, itertools.repeat("/api/v1/accounts?limit=50"), headers)
    print(f"{name}:")
    print(_line("one account", one, hello))
    print(_line("page of 50", page, hello))


def main() -> None:
    print(
        f"{CLIENTS} clients, {SECONDS:g} s per route, one server process,"
        " the client on the same machine"
    )
    with _hello() as base:
        figures = _measure(base, itertools.repeat("/"), {})
    print("Starlette hello-world:")
    print(_line("hello", figures))
    only = os.environ.get("BENCH_API_ONLY", "")
    if only in ("", "sqlite"):
        _kasasu("Kasasu, SQLite", None, figures[0])
    if only in ("", "postgresql"):
        with scratch_postgres() as url:
            if url is not None:
                _kasasu("Kasasu, PostgreSQL", url, figures[0])


if __name__ == "__main__":
    main()
