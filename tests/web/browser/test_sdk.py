"""The SDK in a real browser: the sample product (examples/host-app, served on its own
port, signing its user on its server) embeds /sdk/v1/kasasu.js from Kasasu; what its user
does arrives in Kasasu's event store for that account, also what was still queued when the
user left the page (sent in a beacon). A page whose signature is forged sends nothing that
is kept."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from benchmarks.serving import free_port
from playwright.sync_api import Page, Route, expect

from tests.support.cli import kasasu
from tests.web.browser.conftest import Screenshot

# One worker runs them all, so the demo company is built and served once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo
HOST_APP = Path(__file__).resolve().parents[3] / "examples" / "host-app" / "server.py"


@pytest.fixture(scope="module")
def environment(demo_data: Path) -> tuple[str, str, int]:
    """An SDK environment for the product's origin (a port chosen now), and its secret."""
    port = free_port()
    made = kasasu(
        demo_data, "sdk", "create", f"host-{port}", "--origin", f"http://127.0.0.1:{port}"
    )
    assert made.returncode == 0, made.stderr
    key = re.search(r"(pk_\S+)", made.stdout)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made.stdout)
    assert key is not None
    assert secret is not None
    return key[1], secret[1], port


def _an_account(data: Path) -> str:
    with sqlite3.connect(data / "kasasu.db") as db:
        [(external_id,)] = db.execute("SELECT external_id FROM accounts ORDER BY id LIMIT 1")
    return str(external_id)


def _events(data: Path, account: str, name: str) -> list[tuple[str | None]]:
    """The user ids of ``account``'s stored events named ``name`` (the server may hold the
    file for a moment: read again until it lets go)."""
    for _ in range(50):
        try:
            with duckdb.connect(str(data / "events.duckdb"), read_only=True) as con:
                return con.execute(
                    "SELECT user_id FROM usage_events WHERE account_external_id = ? "
                    "AND event_name = ?",
                    [account, name],
                ).fetchall()
        except duckdb.Error:
            time.sleep(0.1)
    raise AssertionError("the event store stayed busy")


def test_a_user_s_clicks_in_the_product_arrive_in_kasasu(
    page: Page,
    server: str,
    demo_data: Path,
    environment: tuple[str, str, int],
    screenshot: Screenshot,
) -> None:
    _key, secret, _port = environment
    account = _an_account(demo_data)
    with _product_on(environment, server, secret, account) as base:
        page.goto(base)
        page.get_by_role("button", name="Create report").click()
        expect(page.locator("#status")).to_have_text("report created")
        page.evaluate("kasasu.flush()")
        screenshot("product")
        for _ in range(100):
            found = _events(demo_data, account, "report_created")
            if found:
                break
            # Not time.sleep: the browser's requests wait for this process (its routes).
            page.wait_for_timeout(100)
    assert found == [("u-42",)]
    assert _events(demo_data, account, "identify")


def test_an_event_tracked_as_the_user_leaves_still_arrives(
    page: Page, server: str, demo_data: Path, environment: tuple[str, str, int]
) -> None:
    _key, secret, _port = environment
    account = _an_account(demo_data)
    before = len(_events(demo_data, account, "left_at_once"))
    refused: list[str] = []

    def json_refused(route: Route) -> None:
        # The script's usual fetch never gets through: only the page's beacon can bring the
        # event, whatever the machine's speed.
        kind = route.request.headers.get("content-type", "")
        if route.request.method == "POST" and kind.startswith("application/json"):
            refused.append(kind)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/sdk/events", json_refused)
    with _product_on(environment, server, secret, account) as base:
        page.goto(base)
        expect(page.locator("#who")).to_contain_text(account)
        # Queued: the script would send it a second later. The user leaves at once.
        page.evaluate("kasasu.track('left_at_once', {step: 1})")
        page.goto("about:blank")
        for _ in range(100):
            found = _events(demo_data, account, "left_at_once")
            if len(found) > before:
                break
            page.wait_for_timeout(100)
    assert found[before:] == [("u-42",)]
    assert refused  # the identify event's fetch was refused: the route saw the script's sends


def test_a_forged_signature_keeps_nothing(
    page: Page, server: str, demo_data: Path, environment: tuple[str, str, int]
) -> None:
    account = _an_account(demo_data)
    before = len(_events(demo_data, account, "invite_user"))
    refused: list[int] = []
    page.on(
        "response",
        lambda r: refused.append(r.status) if r.url.endswith("/api/v1/sdk/events") else None,
    )
    with _product_on(environment, server, "not-the-secret", account) as base:
        page.goto(base)
        page.get_by_role("button", name="Invite a colleague").click()
        page.evaluate("kasasu.flush()")
        page.wait_for_timeout(1500)
    assert 403 in refused
    assert len(_events(demo_data, account, "invite_user")) == before


def _product_on(
    environment: tuple[str, str, int], server: str, secret: str, account: str
) -> contextlib.AbstractContextManager[str]:
    key, _secret, port = environment
    return contextlib.contextmanager(_serve_at)(port, server, key, secret, account)


def _serve_at(port: int, server: str, key: str, secret: str, account: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(HOST_APP), "--port", str(port), "--kasasu", server, "--key", key,
         "--secret", secret, "--account", account, "--user", "u-42"],
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the sample product did not start at {base}")
