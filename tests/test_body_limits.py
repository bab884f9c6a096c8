"""Security review F11/F12 (and F2's "the server stays responsive"), on a real `kasasu serve`.

Before: an anonymous 200 MB multipart upload was received and spooled in full before its
401/403; a 200 MB event batch was read into memory before its 413; every other route read
any body. Now a body is refused before it is read: a declared length beyond the route's
limit at once, a chunked body when it crosses it, and an upload before its key (API) or its
session and CSRF token (pages) are checked.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.imports.hostile import header_bomb, xlsx_bomb
from tests.serving import served
from tests.support.cli import kasasu

# On one worker (--dist loadgroup), so the module's fixture is built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(__name__)]  # a real kasasu serve process

MB = 1_000_000
BOUNDARY = "kasasu-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, httpx.Client]]:
    """A served data directory; yields its URL, a leader's API key and a signed-in client."""
    data = tmp_path_factory.mktemp("limits") / "data"
    assert kasasu(data, "init").returncode == 0
    key = kasasu(data, "apikey", "create", "--name", "l", "--role", "leader").stdout.split()[-1]
    user = ("user", "create", "--email", "lead@example.com", "--name", "Lead", "--role", "leader")
    assert kasasu(data, *user, "--password", "a long enough password").returncode == 0
    with (
        served(data, KASASU_DEV_MODE="true", KASASU_LOCALE="en") as base,
        httpx.Client(base_url=base) as web,
    ):
        token = _csrf(web.get("/login").text)
        form = {"email": "lead@example.com", "password": "a long enough password"}
        assert web.post("/login", data={**form, "csrf_token": token}).status_code == 303
        yield base, key, web


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _raw(base: str, head: str, body: bytes = b"", timeout: float = 5) -> tuple[int, str, float]:
    """Send ``head`` (and only ``body`` of whatever it declares); the status, the answer
    and the seconds until it came."""
    url = urlsplit(base)
    start = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    elapsed = time.monotonic() - start
    assert answer, f"no answer in {timeout} s"
    return int(answer.split(b" ", 2)[1]), answer.decode("utf-8", "replace"), elapsed


def _post(path: str, length: int, content_type: str, *headers: str) -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}",
             f"Content-Length: {length}", "Connection: close", *headers]  # fmt: skip
    return "\n".join(lines) + "\n"


def _part(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def _cookie(web: httpx.Client) -> str:
    return "Cookie: " + "; ".join(f"{k}={v}" for k, v in web.cookies.items())


def test_an_anonymous_upload_is_refused_before_its_body_is_sent(server) -> None:
    base, _key, _web = server
    # 40 MB declared (under the limit), none of it sent: the answer cannot wait for it.
    status, _answer, seconds = _raw(base, _post("/api/v1/imports/accounts", 40 * MB, MULTIPART))
    assert (status, seconds < 2) == (401, True)
    status, answer, seconds = _raw(base, _post("/imports", 40 * MB, MULTIPART))
    assert (status, seconds < 2) == (303, True)
    assert "location: /login" in answer.lower()


def test_an_upload_with_a_wrong_csrf_token_is_refused_before_the_file(server) -> None:
    base, _key, web = server
    head = _post("/imports", 40 * MB, MULTIPART, _cookie(web))
    status, _answer, seconds = _raw(base, head, _part("csrf_token", "forged"))
    assert (status, seconds < 2) == (403, True)
    # No token in the first field at all: the same.
    status, _answer, seconds = _raw(base, head, _part("kind", "accounts"))
    assert (status, seconds < 2) == (403, True)


def test_a_declared_length_beyond_the_limit_is_413_before_reading(server) -> None:
    base, key, web = server
    auth = f"Authorization: Bearer {key}"
    cases = [
        ("/api/v1/imports/accounts", 52 * 2**20, MULTIPART, auth, "application/problem+json"),
        ("/api/v1/events", 64 * 2**20 + 1, "application/json", auth, "application/problem+json"),
        ("/api/v1/accounts", 2**20 + 1, "application/json", auth, "application/problem+json"),
        ("/api/v1/accounts", 2**20 + 1, "application/json", "X-A: b", "application/problem+json"),
        ("/imports", 52 * 2**20, MULTIPART, _cookie(web), "text/html"),
        ("/login", 2**20 + 1, "application/x-www-form-urlencoded", "X-A: b", "text/html"),
    ]
    for path, length, kind, header, answered in cases:
        status, answer, seconds = _raw(base, _post(path, length, kind, header))
        assert (path, status, seconds < 2) == (path, 413, True)
        assert f"content-type: {answered}" in answer.lower()
    _status, answer, _s = _raw(base, _post("/api/v1/accounts", 2 * MB, "application/json", auth))
    assert "larger than 1 MiB" in answer


def test_a_chunked_body_is_cut_off_at_the_limit(server) -> None:
    base, key, _web = server
    head = (
        "POST /api/v1/accounts HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
        f"Authorization: Bearer {key}\nTransfer-Encoding: chunked\nConnection: close\n"
    )
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 17  # 1.06 MiB, never terminated
    status, answer, seconds = _raw(base, head, body)
    assert (status, seconds < 2) == (413, True)
    assert "application/problem+json" in answer


def test_the_server_stays_responsive_while_hostile_files_are_refused(server) -> None:
    base, key, _web = server
    auth = {"Authorization": f"Bearer {key}"}
    answers: list[httpx.Response] = []
    uploads: list[float] = []  # seconds per hostile upload
    checks: list[float] = []  # seconds per health check meanwhile

    def send() -> None:
        with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
            for name, data in (("hdr.csv", header_bomb()), ("bomb.xlsx", xlsx_bomb(250))):
                start = time.monotonic()
                url = "/api/v1/imports/accounts?dry_run=true"
                answers.append(client.post(url, files={"file": (name, data)}))
                uploads.append(time.monotonic() - start)

    sender = threading.Thread(target=send)
    sender.start()
    with httpx.Client(base_url=base) as client:
        while sender.is_alive():
            start = time.monotonic()
            assert client.get("/healthz").text == "ok"
            checks.append(time.monotonic() - start)
            time.sleep(0.02)
    sender.join()
    assert [a.status_code for a in answers] == [422, 422]
    assert "more than 1,000 columns" in answers[0].json()["detail"]
    assert "more than 200 MB" in answers[1].json()["detail"]
    assert max(uploads) < 2, uploads
    assert checks
    # Nine checks in ten within 200 ms, none over a second: a server busy reading a file
    # would hold every check while it reads; one late check is the loaded machine (another
    # test worker on the same two cores), seen once at 0.29 s.
    assert sorted(checks)[len(checks) * 9 // 10] < 0.2, checks
    assert max(checks) < 1, checks


def test_an_event_with_properties_beyond_32_kb_is_422(server) -> None:
    base, key, _web = server
    event = {"account_id": "A-1", "event": "login", "timestamp": "2026-12-01T00:00:00Z"}
    big = [event, {**event, "properties": {"blob": "x" * 40_000}}]
    response = httpx.post(
        f"{base}/api/v1/events", json=big, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Event 1, properties: At most 32 kB of JSON; no event was stored"
    deep = b'[{"account_id": "A", "event": "e", "timestamp": "2026-12-01T00:00:00Z", '
    deep += b'"properties": {"a": ' + b"[" * 300 + b"]" * 300 + b"}}]"
    nested = httpx.post(
        f"{base}/api/v1/events",
        content=deep,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert (nested.status_code, nested.json()["detail"]) == (400, "The JSON is nested too deeply")


def test_a_file_upload_still_imports(server, tmp_path: Path) -> None:
    base, key, _web = server
    data = "external_id,name\nLIM-1,リミット商事\n".encode()
    response = httpx.post(
        f"{base}/api/v1/imports/accounts",
        files={"file": ("a.csv", data)},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert (response.status_code, response.json()["created"]) == (200, 1)
