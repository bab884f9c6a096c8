"""The composed application, served by a real `kasasu serve` process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.test_admin import data_env, kasasu, run_kasasu


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_answers_pages_and_api(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    key = kasasu(data, "apikey", "create", "--name", "t", "--role", "viewer").stdout.split()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kasasu", "serve", "--port", str(port)],
        env=data_env(data, KASASU_SECRET_KEY="test-secret-that-is-long-enough"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        # Pages need a signed-in user: a visitor lands on the sign-in page, in their language.
        visitor = httpx.get(base, headers={"Accept-Language": "ja"}, follow_redirects=True)
        assert visitor.url.path == "/login"
        assert "<h1>サインイン</h1>" in visitor.text
        assert "<h1>Sign in</h1>" in httpx.get(f"{base}/login?lang=en").text
        assert httpx.get(f"{base}/api/v1/openapi.json").json()["info"]["title"] == "Kasasu API"
        assert httpx.get(f"{base}/api/v1/accounts").status_code == 401
        listed = httpx.get(f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {key}"})
        assert listed.json() == {"items": [], "next_cursor": None}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    env = data_env(tmp_path, KASASU_DEV_MODE="true", KASASU_LOCALE="en")
    result = run_kasasu(env, "serve", "--port", str(_free_port()))
    assert result.returncode == 6
    assert "run 'kasasu init'" in result.stderr


def test_serve_refuses_the_default_secret_outside_dev_mode(tmp_path: Path) -> None:
    env = data_env(tmp_path)
    env.pop("KASASU_SECRET_KEY", None)
    env.pop("KASASU_DEV_MODE", None)
    result = run_kasasu(env, "serve", "--port", str(_free_port()))
    assert result.returncode == 2
    assert "KASASU_SECRET_KEY" in result.stderr
