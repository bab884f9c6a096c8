"""Security review F5 through the sign-in page: the sixth wrong password in a row gets the
429 page with Retry-After, and so does the right one until the window has passed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kasasu.domain.choices import Role
from tests.web.conftest import PASSWORD, SignIn, csrf


def test_the_sixth_wrong_password_gets_429_with_retry_after(
    web: TestClient, sign_in: SignIn
) -> None:
    sign_in(Role.CSM)  # creates csm@example.com and signs in once
    form = {"email": "csm@example.com", "csrf_token": csrf(web.get("/login").text), "next": "/"}
    for _ in range(5):
        assert web.post("/login", data=form | {"password": "wrong"}).status_code == 401
    refused = web.post("/login", data=form | {"password": "wrong"})
    assert refused.status_code == 429
    assert 800 < int(refused.headers["retry-after"]) <= 900
    assert "Too many failed sign-ins" in refused.text
    right = web.post("/login", data=form | {"password": PASSWORD})
    assert right.status_code == 429  # guessing cannot go on behind a right password
    assert "location" not in right.headers
