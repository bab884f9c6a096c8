"""A real `kasasu serve` process on a free port of 127.0.0.1, for tests that need one (the
same start and stop as the benchmarks', ``benchmarks/serving.py``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.serving import served as served_with

from tests.support.cli import data_env


@contextmanager
def served(data: Path, **env: str) -> Iterator[str]:
    """Serve the data directory ``data``; yields the base URL once /healthz answers.

    ``env``: more settings, e.g. ``KASASU_DATABASE_URL`` for PostgreSQL, or
    ``KASASU_REFRESH__SCHEDULED="true"`` for the schedule (off by default).
    """
    with serving(data, **env) as (base, _server):
        yield base


@contextmanager
def serving(data: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """:func:`served`, yielding the server process as well (to signal it, to read its CPU
    time). A server that has not stopped 10 s after SIGTERM is killed, and that fails."""
    settings = data_env(
        data,
        KASASU_SECRET_KEY="test-secret-that-is-long-enough-32",
        KASASU_PLAYBOOKS__WEBHOOK_SECRET="test-webhook-secret-long-enough-32",
        # No schedule unless a test asks for it: a refresh caught up at the start, or the
        # pages computed ahead, would write beside what the test measures.
        **{"KASASU_REFRESH__SCHEDULED": "false", **env},
    )
    with served_with(settings, stop_seconds=10, must_stop=True) as started:
        yield started
