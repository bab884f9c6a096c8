"""The team's announcements page: a CSM writes one (shown sanitised in the preview), a
mistake is named next to its field, a viewer may read but not write."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kasasu.domain.choices import Role
from tests.web.conftest import SignIn, csrf


def test_a_csm_writes_an_announcement(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    token = csrf(web.get("/announcements").text)
    form = {"csrf_token": token, "title": "メンテナンスのお知らせ",
            "body": "**日曜** 2時 <img src=x onerror=alert(1)> [x](javascript:alert(2))",
            "segment": "", "locale": "", "published_at": "2026-12-01T09:00",
            "expires_at": ""}  # fmt: skip
    made = web.post("/announcements", data=form)
    assert made.status_code == 303
    page = web.get(made.headers["location"]).text
    assert "onerror=alert(1)&gt;" in page  # the source, escaped, in the form to edit ...
    page = page.split("<textarea")[0]  # ... and the preview above it, sanitised
    assert '<strong>日曜</strong> 2時 <img src="x">' in page
    assert "onerror" not in page
    assert 'href="javascript' not in page
    bad = web.post("/announcements", data={**form, "published_at": "", "title": "x"})
    assert bad.status_code == 422
    assert "Enter when it is shown from" in bad.text
    backwards = web.post("/announcements", data={**form, "expires_at": "2026-11-01T09:00"})
    assert backwards.status_code == 422
    assert "The end must come after the start" in backwards.text


def test_a_viewer_reads_but_cannot_write(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/announcements")
    assert page.status_code == 200
    assert 'action="/announcements"' not in page.text
    form = {"csrf_token": csrf(page.text), "title": "x", "body": "y",
            "published_at": "2026-12-01T09:00"}  # fmt: skip
    assert web.post("/announcements", data=form).status_code == 403
