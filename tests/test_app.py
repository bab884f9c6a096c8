"""The composed application, served by a real `kasasu serve` process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from benchmarks.serving import free_port

from tests.serving import served
from tests.support.cli import data_env, kasasu, run_kasasu

pytestmark = pytest.mark.slow  # a real kasasu serve process


def test_serve_answers_pages_and_api(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    key = kasasu(data, "apikey", "create", "--name", "t", "--role", "viewer").stdout.split()[-1]
    with served(data) as base:
        # Pages need a signed-in user: a visitor lands on the sign-in page, in their language.
        visitor = httpx.get(base, headers={"Accept-Language": "ja"}, follow_redirects=True)
        assert visitor.url.path == "/login"
        assert "<h1>サインイン</h1>" in visitor.text
        assert "<h1>Sign in</h1>" in httpx.get(f"{base}/login?lang=en").text
        assert httpx.get(f"{base}/api/v1/openapi.json").json()["info"]["title"] == "Kasasu API"
        assert httpx.get(f"{base}/api/v1/accounts").status_code == 401
        listed = httpx.get(f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {key}"})
        assert listed.json() == {"items": [], "next_cursor": None}
        # An address no route takes: a page on the site, problem+json under the API, even
        # where the mount's pattern refuses the path (a newline in a segment).
        missing = httpx.get(f"{base}/no-such-page", headers={"Accept-Language": "ja"})
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")
        assert "見つかりません" in missing.text
        for path in ("/api/v1/no-such-thing", "/api/v1/contacts/%0Ae/reference"):
            unrouted = httpx.put(f"{base}{path}", headers={"Authorization": f"Bearer {key}"})
            assert unrouted.status_code == 404, path
            assert unrouted.headers["content-type"] == "application/problem+json", path


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    env = data_env(tmp_path, KASASU_DEV_MODE="true", KASASU_LOCALE="en")
    result = run_kasasu(env, "serve", "--port", str(free_port()))
    assert result.returncode == 6
    assert "run 'kasasu init'" in result.stderr


def test_serve_refuses_the_default_secret_outside_dev_mode(tmp_path: Path) -> None:
    env = data_env(tmp_path)
    env.pop("KASASU_SECRET_KEY", None)
    env.pop("KASASU_DEV_MODE", None)
    result = run_kasasu(env, "serve", "--port", str(free_port()))
    assert result.returncode == 2
    assert "KASASU_SECRET_KEY" in result.stderr


def test_serve_refuses_the_default_webhook_secret_and_short_secrets(tmp_path: Path) -> None:
    """Security review F9: with dev mode off, webhooks were signed with the public default,
    and a 1-character KASASU_SECRET_KEY was accepted."""
    long = "s" * 32
    for extra, named in [
        ({"KASASU_SECRET_KEY": long}, "KASASU_PLAYBOOKS__WEBHOOK_SECRET"),
        (
            {"KASASU_SECRET_KEY": "x", "KASASU_PLAYBOOKS__WEBHOOK_SECRET": long},
            "KASASU_SECRET_KEY",
        ),
    ]:
        env = data_env(tmp_path, KASASU_LOCALE="en", **extra)
        for name in ("KASASU_DEV_MODE", "KASASU_PLAYBOOKS__WEBHOOK_SECRET"):
            if name not in extra:
                env.pop(name, None)
        result = run_kasasu(env, "serve", "--port", str(free_port()))
        assert result.returncode == 2
        assert named in result.stderr
        assert "32 characters" in result.stderr
