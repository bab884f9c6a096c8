"""``kasasu serve --workers 2`` (here KASASU_SERVER__WORKERS=2): two child processes share the
port and each answers requests; the schedule runs once, in the parent; SIGTERM stops all."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest
from benchmarks.serving import served

from tests.support.cli import data_env, kasasu

pytestmark = pytest.mark.slow  # a real kasasu serve and its two children


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            # "pid (comm) state ppid ...": the name may hold spaces and parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def _is_server(pid: int) -> bool:
    """A child uvicorn spawned to serve (not multiprocessing's resource tracker)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_two_server_processes_answer_and_stop_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    env = data_env(
        data,
        KASASU_DEV_MODE="true",
        KASASU_LOCALE="en",
        KASASU_SERVER__WORKERS="2",
        KASASU_REFRESH__SCHEDULED="true",
        KASASU_REFRESH__PAGES_EVERY_MINUTES="0",  # no page computed ahead under the test
        KASASU_REFRESH__AT="23:59:59",  # nor a refresh of today caught up
    )
    log = tmp_path / "serve.log"
    with served(env, log=log, stop_seconds=15, must_stop=True) as (base, server):
        children = [pid for pid in _children(server.pid) if _is_server(pid)]
        assert len(children) == 2
        # With one child stopped, every new connection is taken and answered by the other.
        for stopped, answering in ((children[0], children[1]), (children[1], children[0])):
            os.kill(stopped, signal.SIGSTOP)
            try:
                answers = [httpx.get(f"{base}/login", timeout=5) for _ in range(3)]
            finally:
                os.kill(stopped, signal.SIGCONT)
            assert [a.status_code for a in answers] == [200] * 3, answering
            assert all("kasasu_session" in a.headers.get("set-cookie", "") for a in answers)
    assert server.returncode == 0
    assert all(_gone(pid) for pid in children)
    printed = log.read_text()
    assert "2 server processes share the port" in printed
    assert printed.count("The daily refresh runs at") == 1  # the parent's schedule, once
    assert "Traceback" not in printed
