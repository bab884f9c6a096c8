"""Security review F13: every answer, page or API, carries a Content-Security-Policy with a
fresh nonce per request (on pages: an answer without inline scripts names none),
frame-ancestors 'none', nosniff, a Referrer-Policy, HSTS outside dev
mode, and no Server header; every inline script of the templates carries the nonce and no
template has inline styles (tests/web/browser/test_csp.py proves the pages work under it)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kasasu.app import create_app
from kasasu.settings import Settings
from tests.serving import served
from tests.support.cli import kasasu

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "kasasu" / "web" / "templates"
PATHS = ["/login", "/healthz", "/api/v1/openapi.json", "/api/v1/accounts", "/api/v1/docs"]


def _client(tmp_path: Path, *, dev_mode: bool) -> TestClient:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/kasasu.db",
        events_path=tmp_path / "events.duckdb",
        secret_key=SecretStr("a-long-random-secret-for-the-header-tests"),
        dev_mode=dev_mode,
    )
    return TestClient(create_app(settings), base_url="https://testserver")


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(tmp_path: Path, path: str) -> None:
    answer = _client(tmp_path, dev_mode=False).get(path)
    csp = answer.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("style-src-attr")[0]  # scripts: nonce only
    assert "'unsafe-eval'" not in csp
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert answer.headers.get("x-frame-options") == "DENY"
    assert answer.headers.get("referrer-policy") == "same-origin"
    assert answer.headers.get("strict-transport-security") == "max-age=31536000"


def test_hsts_only_outside_dev_mode(tmp_path: Path) -> None:
    answer = _client(tmp_path, dev_mode=True).get("/login")
    assert "strict-transport-security" not in answer.headers
    assert "content-security-policy" in answer.headers


def test_the_nonce_is_fresh_per_request_and_on_the_pages_scripts(tmp_path: Path) -> None:
    client = _client(tmp_path, dev_mode=False)
    nonces = []
    for path in ("/login", "/api/v1/docs"):
        answer = client.get(path)
        found = re.search(
            r"script-src 'self' 'nonce-([A-Za-z0-9_-]{22,})'",
            answer.headers["content-security-policy"],
        )
        assert found, answer.headers["content-security-policy"]
        nonces.append(found.group(1))
        for tag in re.findall(r"<script\b[^>]*>", answer.text):
            assert (
                "src=" in tag
                or 'type="application/json"' in tag
                or f'nonce="{found.group(1)}"' in tag
            ), tag
    assert nonces[0] != nonces[1]


def test_an_answer_without_a_page_allows_no_inline_script(tmp_path: Path) -> None:
    """The JSON API and static files draw no nonce: their policy allows this origin's
    scripts and styles only, while a page's names the nonce its scripts carry."""
    client = _client(tmp_path, dev_mode=False)
    for path in ("/api/v1/accounts", "/healthz"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self';" in csp, path
        assert "style-src 'self';" in csp, path
        assert "nonce-" not in csp, path
    page = client.get("/login").headers["content-security-policy"]
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{22,}';", page)


def test_the_templates_have_no_inline_styles_and_nonce_their_scripts() -> None:
    """No style attributes or inline handlers; <script> and <style> elements carry the nonce
    (or load a file, or hold JSON data)."""
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle\s*=", text), f"{template.name}: a style attribute"
        for tag in re.findall(r"<style\b[^>]*>", text):
            assert 'nonce="{{ csp_nonce }}"' in tag, f"{template.name}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name}: an on… handler"
        for tag in re.findall(r"<script\b[^>]*>", text):
            allowed = "src=" in tag or 'type="application/json"' in tag
            assert allowed or 'nonce="{{ csp_nonce }}"' in tag, f"{template.name}: {tag}"


@pytest.mark.slow  # a real kasasu serve process
def test_the_server_does_not_name_itself(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    with served(data) as base:
        answer = httpx.get(f"{base}/login")
        assert "server" not in answer.headers
        assert "content-security-policy" in answer.headers
