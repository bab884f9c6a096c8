"""Security review F5 and F8 on a real `kasasu serve`: the KASASU_LIMITS__* settings reach
the sign-in page and the widget, counted by the client address the server sees."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.serving import served
from tests.support.cli import kasasu

pytestmark = pytest.mark.slow  # a real kasasu serve process


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_sign_in_and_the_widget_are_throttled_as_configured(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    created = kasasu(data, "user", "create", "--email", "a@example.jp", "--password", "right-pw")
    assert created.returncode == 0, created.stderr
    limits = {
        "KASASU_DEV_MODE": "true",  # the session cookie over plain http
        "KASASU_LIMITS__SIGN_IN_PER_ACCOUNT": "3",
        "KASASU_LIMITS__SIGN_IN_WINDOW_SECONDS": "600",
        "KASASU_LIMITS__WIDGET_PER_ADDRESS": "5",
    }
    with served(data, **limits) as base, httpx.Client(base_url=base) as client:
        form = {"email": "a@example.jp", "csrf_token": _token(client.get("/login").text)}
        tries = [client.post("/login", data=form | {"password": "wrong"}) for _ in range(4)]
        assert [r.status_code for r in tries] == [401, 401, 401, 429]
        assert 590 <= int(tries[-1].headers["retry-after"]) <= 600
        widget = [client.get("/api/v1/widget/campaigns/nope") for _ in range(6)]
        assert [r.status_code for r in widget] == [403] * 5 + [429]  # no origin listed
        assert widget[-1].headers["content-type"] == "application/problem+json"
