"""Exports fetched from a URL (``kasasu sync url``, ``KASASU_CONNECTORS__FEEDS``) from a real
local HTTP server: imported with their profile, not again while unchanged, refused at an
internal address nobody allowed, and the token never shown nor sent to another host."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kasasu.connectors.fetch import fetch_export, shown
from kasasu.errors import InvalidInput
from tests.connectors.stripe_events import sqlite_rows
from tests.support.cli import data_env, invoke_kasasu

SAMPLES = Path(__file__).parents[2] / "examples" / "connectors"
TOKEN = "Bearer feed-token-123"


@dataclass
class Files:
    """What the server serves, and the Authorization header of every request, by path."""

    body: bytes = b""
    seen: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0


def _handler(files: Files) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            files.seen.append((path, self.headers.get("Authorization")))
            if path == "/to-other-host":  # "localhost" is another host than 127.0.0.1
                self._redirect(f"http://localhost:{files.port}/companies.csv")
            elif path == "/moved":
                self._redirect("/companies.csv")
            elif path == "/loop":
                self._redirect("/loop")
            elif path == "/report":  # no suffix: the name comes from Content-Disposition
                self._file(files.body, 'attachment; filename="Companies 2026.csv"')
            elif path == "/companies.csv" and self.headers.get("Authorization") == TOKEN:
                self._file(files.body, None)
            elif path == "/companies.csv":
                self.send_response(401)
                self.end_headers()
            else:
                self.send_response(404)
                self.end_headers()

        def _redirect(self, to: str) -> None:
            self.send_response(302)
            self.send_header("Location", to)
            self.end_headers()

        def _file(self, body: bytes, disposition: str | None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            if disposition:
                self.send_header("Content-Disposition", disposition)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def served() -> Iterator[tuple[Files, str]]:
    files = Files(body=(SAMPLES / "hubspot-companies.csv").read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(files))
    files.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield files, f"http://127.0.0.1:{files.port}"
    finally:
        server.shutdown()
        server.server_close()


LOCAL = frozenset({"127.0.0.1", "localhost"})


def test_redirects_keep_the_token_on_its_own_host_only(served: tuple[Files, str]) -> None:
    files, base = served
    got = fetch_export(f"{base}/moved", {"Authorization": TOKEN}, LOCAL)
    assert got.content == files.body
    assert got.filename == "companies.csv"
    assert files.seen == [("/moved", TOKEN), ("/companies.csv", TOKEN)]
    files.seen.clear()
    with pytest.raises(InvalidInput) as refused:  # the other host gets no token: 401
        fetch_export(f"{base}/to-other-host", {"Authorization": TOKEN}, LOCAL)
    assert files.seen == [("/to-other-host", TOKEN), ("/companies.csv", None)]
    assert "HTTP 401" in refused.value.message.render("en")


def test_the_file_name_and_the_limits(served: tuple[Files, str]) -> None:
    files, base = served
    named = fetch_export(f"{base}/report", {}, LOCAL)
    assert named.filename == "Companies_2026.csv"
    with pytest.raises(InvalidInput) as loop:
        fetch_export(f"{base}/loop", {}, LOCAL)
    assert "more than 5 redirects" in loop.value.message.render("en")
    with pytest.raises(InvalidInput) as big:
        fetch_export(f"{base}/report", {}, LOCAL, limit=len(files.body) - 1)
    assert "larger than" in big.value.message.render("en")
    with pytest.raises(InvalidInput) as scheme:
        fetch_export("file:///etc/passwd", {}, LOCAL)
    assert "only http and https" in scheme.value.message.render("en")


def test_an_internal_address_is_refused_unless_listed(served: tuple[Files, str]) -> None:
    _files, base = served
    with pytest.raises(InvalidInput) as refused:
        fetch_export(f"{base}/report", {}, frozenset())
    assert "loopback" in refused.value.message.render("en").lower()


def test_the_shown_url_hides_its_credentials() -> None:
    assert shown("https://u:secret@crm.example:8443/x.csv?sig=abc#f") == (
        "https://crm.example:8443/x.csv"
    )


def test_sync_url_imports_once_then_sees_it_unchanged(
    tmp_path: Path, served: tuple[Files, str]
) -> None:
    files, base = served
    env = data_env(tmp_path, KASASU_LOCALE="en", KASASU_CONNECTORS__FEED_HOSTS="127.0.0.1")
    assert invoke_kasasu(env, "init").returncode == 0
    url = f"{base}/companies.csv?signature=s3cr3t"
    args = ("sync", "url", "hubspot-companies", url, "--header", f"Authorization: {TOKEN}")
    first = invoke_kasasu(env, *args)
    assert first.returncode == 0, first.stderr
    assert "hubspot-companies: 3 rows applied" in first.stdout
    assert sqlite_rows(tmp_path, "SELECT count(*) FROM accounts") == [(3,)]

    second = invoke_kasasu(env, *args)
    assert "hubspot-companies: unchanged since its last import" in second.stdout
    files.body = files.body.replace(b"Computer Software", b"Information Technology")
    third = invoke_kasasu(env, *args)
    assert "hubspot-companies: 3 rows applied" in third.stdout
    assert sqlite_rows(tmp_path, "SELECT count(*) FROM accounts WHERE industry ="
                                 " 'Information Technology'") == [(1,)]  # fmt: skip

    runs = sqlite_rows(tmp_path, "SELECT rows, detail FROM sync_runs ORDER BY id")
    plain = f"{base}/companies.csv"  # the signature is never kept
    assert runs == [(3, plain), (0, plain), (3, plain)]


def test_sync_feeds_records_the_refused_one_and_runs_the_others(
    tmp_path: Path, served: tuple[Files, str]
) -> None:
    _files, base = served
    feeds = {
        "hubspot-companies": {"url": f"{base}/companies.csv", "headers": {"Authorization": TOKEN}},
        "zendesk-tickets": f"{base}/nothing-here.csv",
    }
    env = data_env(tmp_path, KASASU_LOCALE="en", KASASU_CONNECTORS__FEED_HOSTS="127.0.0.1",
                   KASASU_CONNECTORS__FEEDS=json.dumps(feeds))  # fmt: skip
    assert invoke_kasasu(env, "init").returncode == 0
    ran = invoke_kasasu(env, "sync", "feeds")
    assert ran.returncode != 0
    assert "hubspot-companies: 3 rows applied" in ran.stdout
    assert "zendesk-tickets: " in ran.stderr
    assert "HTTP 404" in ran.stderr
    status = invoke_kasasu(env, "sync", "status")
    assert "HTTP 404" in status.stdout
    assert sqlite_rows(
        tmp_path, "SELECT connector, rows, error_count FROM sync_runs ORDER BY connector"
    ) == [
        ("hubspot-companies", 3, 0),
        ("zendesk-tickets", 0, 1),
    ]
