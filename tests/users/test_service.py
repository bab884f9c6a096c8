from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session

from kasasu.domain.choices import Role
from kasasu.errors import Conflict, Unauthenticated
from kasasu.models import User
from kasasu.users import service as users_service
from kasasu.users.schemas import UserCreate
from kasasu.users.service import create_user, verify_password
from tests.conftest import PRODUCT_HASHER


def test_password_is_stored_as_argon2_and_verified(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests hash at the lowest cost (tests/conftest.py); the product at RFC 9106's second
    # recommended setting, argon2-cffi's default: 64 MiB, 3 passes, 4 lanes.
    monkeypatch.setattr(users_service, "_hasher", PRODUCT_HASHER)
    created = create_user(
        session,
        UserCreate(
            email="Sato@Example.jp", name="佐藤", role=Role.CSM, password=SecretStr("pw-秘密-123")
        ),
    )
    stored = session.get(User, created.id)
    assert stored is not None
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "pw-秘密-123" not in stored.password_hash
    assert verify_password(session, "sato@example.jp", "pw-秘密-123").id == created.id
    with pytest.raises(Unauthenticated):
        verify_password(session, "sato@example.jp", "wrong")
    with pytest.raises(Unauthenticated):
        verify_password(session, "nobody@example.jp", "pw-秘密-123")


def test_emails_are_unique_ignoring_case(session: Session) -> None:
    create_user(session, UserCreate(email="a@example.jp", name="A", role=Role.VIEWER))
    with pytest.raises(Conflict):
        create_user(session, UserCreate(email="A@EXAMPLE.JP", name="A2", role=Role.VIEWER))
