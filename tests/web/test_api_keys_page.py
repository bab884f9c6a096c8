"""Settings lists every API key with its role, scopes, creation, expiry and last use (when and
from where), and makes keys with scopes and an expiry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.users.service import authenticate_api_key
from tests.web.conftest import SignIn, csrf


def test_settings_makes_and_lists_keys_with_scopes_expiry_and_last_use(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    token = csrf(web.get("/settings").text)
    form = {
        "name": "crm-sync",
        "role": "leader",
        "scopes": "accounts:write, read",
        "expires_in": "90d",
        "csrf_token": token,
    }
    made = web.post("/settings/keys", data=form)
    assert made.status_code == 200
    key = re.search(r"<code>(ksu_[^<]+)</code>", made.text)
    assert key, "the new key is shown once"
    with sessions() as s:
        authenticate_api_key(s, key.group(1), "198.51.100.9")
        s.commit()
    page = web.get("/settings").text
    row = next(r for r in page.split("<tr>") if "crm-sync" in r).split("</tr>")[0]
    assert "accounts:write read" in row
    assert "198.51.100.9" in row
    assert "never" not in row  # an expiry is shown, and the last use
    bad = web.post("/settings/keys", data={**form, "scopes": "everything"})
    assert bad.status_code == 400
    assert "Unknown scope everything" in bad.text
    assert web.post("/settings/keys", data={**form, "expires_in": "soon"}).status_code == 400


def test_only_admins_see_keys_but_everyone_may_change_their_password(
    web: TestClient, sign_in: SignIn
) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/settings").text
    assert 'action="/settings/password"' in page
    assert 'action="/settings/keys"' not in page


def test_an_admin_deactivates_and_reactivates_a_user_from_settings(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    from pydantic import SecretStr

    from kasasu.users.schemas import UserCreate
    from kasasu.users.service import create_user, get_user_by_email

    with sessions() as s:
        create_user(
            s,
            UserCreate(
                email="leaver@example.com",
                name="Leaver",
                role=Role.CSM,
                password=SecretStr("x" * 9),
            ),
        )
        s.commit()
    sign_in(Role.ADMIN)
    token = csrf(web.get("/settings").text)
    form = {"email": "leaver@example.com", "active": "false", "csrf_token": token}
    assert web.post("/settings/users/active", data=form).status_code == 303
    with sessions() as s:
        leaver = get_user_by_email(s, "leaver@example.com")
        assert leaver is not None
        assert not leaver.is_active
    assert "deactivated" in web.get("/settings").text
    assert web.post("/settings/users/active", data={**form, "active": "true"}).status_code == 303
    with sessions() as s:
        leaver = get_user_by_email(s, "leaver@example.com")
        assert leaver is not None
        assert leaver.is_active
    myself = {**form, "email": "admin@example.com"}
    assert web.post("/settings/users/active", data=myself).status_code == 400


def test_only_admins_deactivate_users(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/settings").text)
    form = {"email": "someone@example.com", "active": "false", "csrf_token": token}
    assert web.post("/settings/users/active", data=form).status_code == 403
