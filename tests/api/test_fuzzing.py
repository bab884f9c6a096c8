"""Schemathesis over the whole OpenAPI document, against a real server on each database.

Security review F3, F4 and F16: the API answers no input with a 5xx, every response matches
its documented schema, status code and content type, and a 405 names the allowed methods.
A fixed seed and a few examples per operation keep the run reproducible and short.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import new_postgres_database
from tests.serving import served
from tests.support.cli import data_env, invoke_kasasu

pytestmark = pytest.mark.slow  # fuzzes a served demo

EXAMPLES = 5
ORIGIN = "https://app.example.com"  # the widget's allowed origin, so its routes are reached
# Checks about what the server accepts rather than what it answers: the server checks more
# than a schema can say (a row exists, dates in order, a segment or a list of contacts), and
# pydantic reads 0 as false in a body. They are reported, not failed on.
REPORTED_ONLY = {"ST201", "ST202"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'kasasu.db'}"
    else:
        with new_postgres_database() as url:
            yield url


def _kasasu(data: Path, url: str, *args: str) -> str:
    result = invoke_kasasu(data_env(data, KASASU_DATABASE_URL=url, KASASU_LOCALE="en"), *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_no_server_error_and_no_undocumented_answer(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    _kasasu(data, database_url, "init")
    _kasasu(data, database_url, "demo", "--accounts", "30", "--months", "6")
    key = _kasasu(data, database_url, "apikey", "create", "--name", "fuzz", "--role", "admin")
    settings = {"KASASU_DATABASE_URL": database_url, "KASASU_SURVEYS__WIDGET_ORIGINS": ORIGIN}
    with served(data, **settings) as base:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{base}/api/v1/openapi.json",
                "--checks=all",
                "--seed=1",
                f"--max-examples={EXAMPLES}",
                "--workers=1",
                "--no-color",
                f"--header=Authorization: Bearer {key.strip().splitlines()[-1]}",
                f"--header=Origin: {ORIGIN}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    failures = dict(re.findall(r"(ST\d+) [^:\n]+: (\d+)", summary))
    assert "Tested: " in summary, result.stdout[-3000:] + result.stderr[-3000:]
    failed = {code: n for code, n in failures.items() if code not in REPORTED_ONLY}
    assert failed == {}, result.stdout[-20000:]
