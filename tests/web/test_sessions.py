"""Security review F13: a web session ends when its user signs out, changes the password or is
deactivated, and every copy of the cookie taken before then stops working."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.errors import Unauthenticated
from kasasu.users.service import deactivate_user, verify_password
from tests.web.conftest import PASSWORD, SignIn, csrf

COOKIE = "session"  # the test app's SessionMiddleware keeps Starlette's default name


def _copy(web: TestClient) -> str:
    value = web.cookies.get(COOKIE)
    assert value, "signed in, the client holds a session cookie"
    return value


def _replay(web: TestClient, cookie: str, path: str = "/accounts") -> int:
    """GET ``path`` with an old copy of the cookie (and nothing else)."""
    web.cookies.clear()
    web.cookies.set(COOKIE, cookie)
    return web.get(path).status_code


def test_a_cookie_copied_before_sign_out_no_longer_works(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    copied = _copy(web)
    assert web.get("/accounts").status_code == 200
    token = csrf(web.get("/settings").text)
    assert web.post("/logout", data={"csrf_token": token}).status_code == 303
    assert _replay(web, copied) == 303  # before the fix: 200 for 12 hours


def test_signing_out_ends_every_session_of_the_user(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    other_browser = _copy(web)
    # The same person signs in again elsewhere, then signs out there.
    web.cookies.clear()
    token = csrf(web.get("/login").text)
    form = {"email": "csm@example.com", "password": PASSWORD, "csrf_token": token, "next": "/"}
    assert web.post("/login", data=form).status_code == 303
    token = csrf(web.get("/settings").text)
    web.post("/logout", data={"csrf_token": token})
    assert _replay(web, other_browser) == 303


def test_changing_the_password_ends_the_other_sessions(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    copied = _copy(web)
    token = csrf(web.get("/settings").text)
    new = "a much longer passphrase"
    form = {"current_password": PASSWORD, "new_password": new, "confirm": new, "csrf_token": token}
    changed = web.post("/settings/password", data=form)
    assert changed.status_code == 303, changed.text
    assert web.get("/settings").status_code == 200  # this browser stays signed in
    current = _copy(web)
    assert _replay(web, copied) == 303  # the copy from before the change does not
    assert _replay(web, current) == 200
    with sessions() as s:
        assert verify_password(s, "viewer@example.com", new).email == "viewer@example.com"
        try:
            verify_password(s, "viewer@example.com", PASSWORD)
        except Unauthenticated:
            pass
        else:
            raise AssertionError("the old password still signs in")


def test_the_current_password_is_required_to_change_it(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    copied = _copy(web)
    token = csrf(web.get("/settings").text)
    new = "a much longer passphrase"
    form = {"current_password": "not it", "new_password": new, "confirm": new, "csrf_token": token}
    refused = web.post("/settings/password", data=form)
    assert refused.status_code == 400
    assert "current password is wrong" in refused.text
    mismatch = {**form, "current_password": PASSWORD, "confirm": new + "x"}
    assert web.post("/settings/password", data=mismatch).status_code == 400
    short = {**form, "current_password": PASSWORD, "new_password": "short", "confirm": "short"}
    assert web.post("/settings/password", data=short).status_code in (400, 422)
    assert _replay(web, copied) == 200  # nothing changed


def test_guessing_the_current_password_is_throttled_like_signing_in(
    web: TestClient, sign_in: SignIn
) -> None:
    # A stolen session must not guess the password faster than the sign-in page allows:
    # the account's 5 failures (KASASU_LIMITS__SIGN_IN_PER_ACCOUNT) in 15 minutes, then 429.
    sign_in(Role.CSM)
    token = csrf(web.get("/settings").text)
    new = "a much longer passphrase"
    guess = {"new_password": new, "confirm": new, "csrf_token": token}
    codes = [
        web.post("/settings/password", data={**guess, "current_password": f"guess {n}"}).status_code
        for n in range(6)
    ]
    assert codes == [400] * 5 + [429]
    right = web.post("/settings/password", data={**guess, "current_password": PASSWORD})
    assert right.status_code == 429  # even the right one, until the window passes
    assert int(right.headers["Retry-After"]) > 0


def test_deactivating_a_user_ends_the_session_and_sign_in(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    user_id = sign_in(Role.CSM)
    copied = _copy(web)
    with sessions() as s:
        deactivate_user(s, "csm@example.com")
        s.commit()
    assert _replay(web, copied) == 303
    web.cookies.clear()
    token = csrf(web.get("/login").text)
    form = {"email": "csm@example.com", "password": PASSWORD, "csrf_token": token, "next": "/"}
    assert web.post("/login", data=form).status_code == 401
    assert user_id
