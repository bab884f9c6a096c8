"""Without PostgreSQL the PostgreSQL tests fail and say why; they never skip silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # a nested pytest run in its own process
def test_unreachable_postgres_fails_loudly() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "tests/db/test_migrations.py",
            "-k",
            "postgresql",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "KASASU_TEST_POSTGRES_URL": "postgresql+psycopg://postgres@127.0.0.1:1/x",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "PostgreSQL is unreachable at postgresql+psycopg://postgres@127.0.0.1:1/x" in result.stdout
    )
    assert "skipped" not in result.stdout.splitlines()[-1]
