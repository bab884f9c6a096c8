"""Security review F10: expensive reads stop — when their time budget is spent (503 with
Retry-After), when their client goes away, and when the server is told to stop — on a real
`kasasu serve`.

The review's long read (churned MRR by reason over 120 months, 40–80 s of CPU computed month
by month) now takes about a second. The long work here is the key terms of 60,000 NPS
comments (tests/support/long_reads.py): ~10 s of work, far longer than any window below.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine
from tests.serving import serving
from tests.support.cli import kasasu
from tests.support.long_reads import add_long_comments

pytestmark = pytest.mark.slow  # a real kasasu serve process

LONG = "/api/v1/voice/terms"
COMMENTS = 60_000
QUIET = {"KASASU_REFRESH__SCHEDULED": "false"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An initialised data directory and a viewer's API key."""
    path = tmp_path_factory.mktemp("budget") / "data"
    assert kasasu(path, "init").returncode == 0
    created = kasasu(path, "apikey", "create", "--name", "v", "--role", "viewer")
    engine = create_db_engine(f"sqlite:///{path}/kasasu.db")
    try:
        with Session(engine) as session:
            add_long_comments(session, COMMENTS)
            session.commit()
    finally:
        engine.dispose()
    return path, created.stdout.split()[-1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_long_request(base: str, key: str) -> socket.socket:
    """Send the long request on a raw socket (so the test can walk away from it)."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname or "127.0.0.1", url.port or 80))
    sock.sendall(
        f"GET {LONG} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {key}\r\n"
        "Accept-Language: en\r\n\r\n".encode()
    )
    return sock


def wait_for_work(pid: int, seconds: float = 0.5) -> None:
    """Until the server has spent ``seconds`` of CPU on the request."""
    start = cpu_seconds(pid)
    deadline = time.monotonic() + 20
    while cpu_seconds(pid) - start < seconds:
        assert time.monotonic() < deadline, "the request did not start working"
        time.sleep(0.1)


def test_a_read_over_its_budget_answers_503_and_stops(data: tuple[Path, str]) -> None:
    path, key = data
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    with serving(path, KASASU_SERVER__REQUEST_BUDGET_SECONDS="2", **QUIET) as (base, server):
        started = time.monotonic()
        answer = httpx.get(f"{base}{LONG}", headers=headers, timeout=15)
        took = time.monotonic() - started
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "2"
        assert "2 s" in answer.json()["detail"]
        assert took < 10  # budget + a first request's imports + the last step; 80 s before
        # Nothing keeps running behind the answer.
        before = cpu_seconds(server.pid)
        time.sleep(1.5)
        assert cpu_seconds(server.pid) - before < 0.3
        # A read within the budget still answers.
        accounts = httpx.get(f"{base}/api/v1/accounts", headers=headers)
        assert accounts.status_code == 200, accounts.text


def test_a_request_abandoned_by_its_client_stops_its_work(data: tuple[Path, str]) -> None:
    path, key = data
    with serving(path, **QUIET) as (base, server):
        sock = start_long_request(base, key)
        wait_for_work(server.pid)
        sock.close()  # the client gives up
        time.sleep(1.5)  # the interruption reaches the work at its next query
        before = cpu_seconds(server.pid)
        time.sleep(2)
        assert cpu_seconds(server.pid) - before < 0.3  # 2 s of a busy core without the fix


def test_sigterm_stops_the_server_within_its_graceful_timeout(data: tuple[Path, str]) -> None:
    path, key = data
    env = {"KASASU_SERVER__GRACEFUL_SHUTDOWN_SECONDS": "2", **QUIET}
    with serving(path, **env) as (base, server):
        sock = start_long_request(base, key)
        wait_for_work(server.pid)
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            server.wait(timeout=2 + 2)
        except subprocess.TimeoutExpired:
            pytest.fail("still running 4 s after SIGTERM (graceful timeout 2 s)")
        finally:
            answer = sock.recv(65536).decode()
            sock.close()
        assert time.monotonic() - started < 4
        # The read was stopped a second before the end of the graceful time and answered.
        assert answer.startswith("HTTP/1.1 503"), answer
        assert "retry-after: 1" in answer.lower()
        assert "The server is stopping" in answer
