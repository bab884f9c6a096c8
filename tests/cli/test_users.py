"""Users and API keys from the command line, against a real `kasasu serve`: a password set,
a deactivation or a sign-out ends the user's web sessions (security review F13); keys get
scopes and an expiry and are listed with their last use."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.serving import served
from tests.support.cli import kasasu

pytestmark = pytest.mark.slow  # a real kasasu serve process

EMAIL = "sato@example.jp"
PASSWORD = "first password 1"


def _sign_in(base: str, password: str) -> httpx.Response:
    """Sign in through the form; returns the answer to the POST (its cookie is the session)."""
    page = httpx.get(f"{base}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"email": EMAIL, "password": password, "csrf_token": token.group(1), "next": "/"}
    # The cookie is Secure outside dev mode: carry it by hand over the test's plain HTTP.
    cookie = page.cookies.get("kasasu_session") or ""
    return httpx.post(f"{base}/login", data=form, headers={"Cookie": f"kasasu_session={cookie}"})


def _session(answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text
    return answer.cookies["kasasu_session"]


def _accounts(base: str, cookie: str) -> int:
    return httpx.get(f"{base}/accounts", headers={"Cookie": f"kasasu_session={cookie}"}).status_code


def test_password_deactivation_and_sign_out_end_web_sessions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    made = kasasu(data, "user", "create", "--email", EMAIL, "--role", "csm", "--password", PASSWORD)
    assert made.returncode == 0, made.stderr
    with served(data) as base:
        first = _session(_sign_in(base, PASSWORD))
        assert _accounts(base, first) == 200

        signed_out = kasasu(data, "user", "sign-out", "--email", EMAIL)
        assert signed_out.returncode == 0, signed_out.stderr
        assert _accounts(base, first) == 303

        second = _session(_sign_in(base, PASSWORD))
        new = "second password 2"
        changed = kasasu(data, "user", "set-password", "--email", EMAIL, "--password", new)
        assert changed.returncode == 0, changed.stderr
        assert _accounts(base, second) == 303
        assert _sign_in(base, PASSWORD).status_code == 401
        third = _session(_sign_in(base, new))

        assert kasasu(data, "user", "deactivate", "--email", EMAIL).returncode == 0
        assert _accounts(base, third) == 303
        assert _sign_in(base, new).status_code == 401
        assert kasasu(data, "user", "activate", "--email", EMAIL).returncode == 0
        assert _accounts(base, _session(_sign_in(base, new))) == 200

    short = kasasu(data, "user", "set-password", "--email", EMAIL, "--password", "short")
    assert short.returncode != 0
    assert "at least 8 characters" in short.stderr + short.stdout
    unknown = kasasu(data, "user", "deactivate", "--email", "nobody@example.jp")
    assert unknown.returncode != 0


def test_keys_with_scopes_and_expiry_are_listed_with_their_last_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: one line per key
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    made = kasasu(
        data, "apikey", "create", "--name", "crm-sync", "--role", "leader",
        "--scope", "accounts:write", "--scope", "read", "--expires-in", "90d",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    key = made.stdout.split()[-1]
    refused = kasasu(data, "apikey", "create", "--name", "x", "--scope", "everything")
    assert refused.returncode != 0
    assert "everything" in refused.stderr + refused.stdout
    assert kasasu(data, "apikey", "create", "--name", "x", "--expires-in", "soon").returncode != 0
    with served(data) as base:
        auth = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{base}/api/v1/contacts", headers=auth).status_code == 200
        account = {"name": "Scoped KK", "external_id": "SC-1"}
        assert httpx.post(f"{base}/api/v1/accounts", json=account, headers=auth).status_code == 201
        contact = {"account_id": 1, "name": "A", "email": "a@example.jp"}
        assert httpx.post(f"{base}/api/v1/contacts", json=contact, headers=auth).status_code == 403
    listed = kasasu(data, "apikey", "list")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "crm-sync" in line]
    assert len(lines) == 1, listed.stdout
    line = lines[0]
    assert "accounts:write read" in line
    assert "127.0.0.1" in line  # the address it was last used from
    assert "never" not in line  # it expires (in 90 days) and it was used
    assert kasasu(data, "apikey", "revoke", "1").returncode == 0
    assert "revoked" in kasasu(data, "apikey", "list").stdout
