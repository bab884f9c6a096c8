"""API keys of issue 14: scopes narrow a key's role per resource family, keys expire, a
deactivated user's keys stop, and the key's last use (when, from where) is kept, written at
most once a minute."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api import create_api
from kasasu.domain.choices import Role
from kasasu.domain.permissions import API_FAMILIES, Action, parse_scopes, scope_allows
from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.models import ApiKey
from kasasu.users.schemas import ApiKeyCreate, UserCreate
from kasasu.users.service import (
    activate_user,
    authenticate_api_key,
    create_api_key,
    create_user,
    deactivate_user,
    list_api_keys,
)
from tests.support.api_keys import RecheckClock

ACCOUNT = {"name": "Scoped KK", "external_id": "SC-1"}


def _key(sessions: sessionmaker[Session], **fields: object) -> tuple[int, str]:
    with sessions() as s:
        created = create_api_key(s, ApiKeyCreate(name="scoped", **fields))  # type: ignore[arg-type]
        s.commit()
    return created.id, created.key


def _as(api: TestClient, key: str) -> TestClient:
    api.headers["Authorization"] = f"Bearer {key}"
    return api


def test_a_read_scope_narrows_an_admin_key_to_reading(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    _id, key = _key(sessions, role=Role.ADMIN, scopes=("read",))
    _as(api, key)
    assert api.get("/accounts").status_code == 200
    refused = api.post("/accounts", json=ACCOUNT)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "scopes (read)" in refused.json()["detail"]


def test_a_family_scope_covers_that_family_only(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    _id, key = _key(sessions, role=Role.LEADER, scopes=("accounts:write",))
    _as(api, key)
    assert api.post("/accounts", json=ACCOUNT).status_code == 201
    assert api.get("/accounts").status_code == 200  # write includes read
    assert api.get("/contacts").status_code == 403
    assert api.get("/segments").status_code == 403


def test_scopes_never_widen_the_role(api: TestClient, sessions: sessionmaker[Session]) -> None:
    _id, key = _key(sessions, role=Role.VIEWER, scopes=("admin",))
    _as(api, key)
    assert api.get("/accounts").status_code == 200
    assert api.post("/accounts", json=ACCOUNT).status_code == 403


def test_an_expired_key_is_401(api: TestClient, sessions: sessionmaker[Session]) -> None:
    clock = RecheckClock(api)
    key_id, key = _key(sessions, role=Role.ADMIN, expires_at=datetime.now(UTC) + timedelta(days=1))
    _as(api, key)
    assert api.get("/accounts").status_code == 200
    with sessions() as s:
        row = s.get(ApiKey, key_id)
        assert row is not None
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.commit()
    clock.recheck()  # an expiry moved in the database counts once the key is checked again
    expired = api.get("/accounts")
    assert expired.status_code == 401
    assert expired.headers["content-type"].startswith("application/problem+json")
    assert "expired" in expired.json()["detail"]


def test_an_expiry_in_the_past_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput):
        create_api_key(
            session,
            ApiKeyCreate(name="x", role=Role.VIEWER, expires_at=datetime.now(UTC) - timedelta(1)),
        )


def test_a_deactivated_users_keys_stop_working(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        user = create_user(
            s,
            UserCreate(
                email="bot@example.com", name="Bot", role=Role.CSM, password=SecretStr("x" * 12)
            ),
        )
        s.commit()
    _id, key = _key(sessions, role=Role.CSM, user_id=user.id)
    clock = RecheckClock(api)
    _as(api, key)
    assert api.get("/accounts").status_code == 200
    with sessions() as s:
        deactivate_user(s, "bot@example.com")
        s.commit()
    clock.recheck()  # within KEY_RECHECK_SECONDS (kasasu.api.context)
    assert api.get("/accounts").status_code == 401
    with sessions() as s:
        activate_user(s, "bot@example.com")
        s.commit()
    assert api.get("/accounts").status_code == 200


def test_last_use_is_kept_once_a_minute_with_its_address(session: Session) -> None:
    created = create_api_key(session, ApiKeyCreate(name="x", role=Role.VIEWER))
    first = authenticate_api_key(session, created.key, "192.0.2.1")
    assert first.last_used_from == "192.0.2.1"
    assert first.last_used_at is not None
    again = authenticate_api_key(session, created.key, "2001:db8::7")
    assert (again.last_used_at, again.last_used_from) == (first.last_used_at, "192.0.2.1")
    row = session.get(ApiKey, created.id)
    assert row is not None
    row.last_used_at = datetime.now(UTC) - timedelta(minutes=2)
    later = authenticate_api_key(session, created.key, "2001:db8::7")
    assert later.last_used_from == "2001:db8::7"
    listed = {k.id: k for k in list_api_keys(session)}[created.id]
    assert listed.last_used_from == "2001:db8::7"


def test_the_api_records_the_callers_address(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    key_id, key = _key(sessions, role=Role.VIEWER)
    _as(api, key).get("/accounts")
    with sessions() as s:
        row = s.get(ApiKey, key_id)
        assert row is not None
        assert row.last_used_from == "testclient"  # Starlette's TestClient's peer


def test_scopes_are_checked_when_the_key_is_made(session: Session) -> None:
    assert parse_scopes("accounts:write, read read") == ("accounts:write", "read")
    for bad in ("", "delete", "acounts:read", "accounts:", ":read"):
        with pytest.raises(ValueError, match=f"^{re.escape(bad)}$"):
            parse_scopes(bad)
    with pytest.raises(InvalidInput):
        create_api_key(session, ApiKeyCreate(name="x", role=Role.ADMIN, scopes=("everything",)))
    assert scope_allows(None, Action.ADMIN, "accounts")
    assert scope_allows(("admin",), Action.DELETE, "tasks")
    assert not scope_allows(("tasks:write",), Action.ADMIN, "tasks")
    assert not scope_allows(("read",), Action.IMPORT, "events")


def test_every_api_family_can_be_scoped(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    from kasasu.api.context import ApiContext

    ctx = ApiContext(sessions, tmp_path / "e", Reporting(zone="UTC", locale="en"))
    spec = create_api(ctx).openapi()
    families = {path.split("/")[1] for path in spec["paths"]} - {"widget", "widget.js"}
    assert families == API_FAMILIES
