"""KASASU_SERVER__THREADS: a server process runs at most that many requests' sync work at
once; the others wait for a free thread and are answered."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from benchmarks.serving import free_port
from fastapi import FastAPI

from kasasu.cli.serving import Server
from kasasu.settings import Settings


def test_the_default_is_anyios_and_the_environment_sets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().server.threads == 40  # anyio's own default
    monkeypatch.setenv("KASASU_SERVER__THREADS", "2")
    assert Settings().server.threads == 2


def test_a_server_runs_at_most_its_threads_at_once() -> None:
    running, most, guard = 0, 0, threading.Lock()
    app = FastAPI()

    @app.get("/work")
    def work() -> dict[str, int]:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.2)  # a query waiting on the database
        with guard:
            running -= 1
        return {"ok": 1}

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = Server(config, threads=3)
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with ThreadPoolExecutor(9) as pool:
            answers = list(
                pool.map(lambda _: httpx.get(f"http://127.0.0.1:{port}/work", timeout=10), range(9))
            )
    finally:
        server.should_exit = True
        serving.join(10)
    assert [a.status_code for a in answers] == [200] * 9
    assert most == 3
