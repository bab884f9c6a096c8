"""Security review F5: sign-in is throttled per account and per client address, an unknown
email costs the same argon2 work as a known one, and few passwords are checked at once."""

from __future__ import annotations

import contextlib
import threading

import argon2
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.errors import Throttled, Unauthenticated
from kasasu.users import service as users_service
from kasasu.users.schemas import UserCreate
from kasasu.users.service import DUMMY_HASH, create_user
from kasasu.users.signin import SignInGuard, SignInLimits, sign_in
from tests.conftest import PRODUCT_HASHER
from tests.kit.test_ratelimit import Clock

PASSWORD = "pw-秘密-123"


@pytest.fixture
def user(session: Session) -> str:
    data = UserCreate(email="sato@example.jp", name="佐藤", role=Role.CSM)
    create_user(session, data.model_copy(update={"password": SecretStr(PASSWORD)}))
    return "sato@example.jp"


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification (argon2-cffi's own, still run): the hash it checked."""
    calls: list[str] = []
    real = argon2.PasswordHasher.verify

    def counted(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's name
        calls.append(str(hash))
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    return calls


def test_the_sixth_wrong_password_in_a_row_is_throttled(session: Session, user: str) -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(per_account=5, per_address=20, window_seconds=900), clock)
    for n in range(5):
        clock.now += 10
        with pytest.raises(Unauthenticated):
            sign_in(session, guard, user, f"wrong-{n}", f"192.0.2.{n}")
    clock.now += 10
    with pytest.raises(Throttled) as refused:
        sign_in(session, guard, "Sato@Example.jp ", PASSWORD, "198.51.100.7")  # right, too late
    assert refused.value.retry_after == 900 - 50  # the first failure leaves the window then
    clock.now += 850
    assert sign_in(session, guard, user, PASSWORD, "198.51.100.7").email == user
    for n in range(5):  # a success starts the account's count again
        with pytest.raises(Unauthenticated):
            sign_in(session, guard, user, "wrong", f"192.0.2.{n}")


def test_one_address_is_throttled_across_emails(session: Session, user: str) -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(per_account=5, per_address=20, window_seconds=900), clock)
    for n in range(20):
        with pytest.raises(Unauthenticated):
            sign_in(session, guard, f"guess{n}@example.jp", "x", "203.0.113.9")
    with pytest.raises(Throttled) as refused:
        sign_in(session, guard, user, PASSWORD, "203.0.113.9")
    assert refused.value.retry_after == 900
    assert sign_in(session, guard, user, PASSWORD, "203.0.113.10").email == user


@pytest.fixture
def product_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Users hashed at the product's cost, not the tests' lowest one (tests/conftest.py)."""
    monkeypatch.setattr(users_service, "_hasher", PRODUCT_HASHER)


def test_an_unknown_email_costs_one_argon2_verification_like_a_known_one(
    product_cost: None, session: Session, user: str, verifications: list[str]
) -> None:
    guard = SignInGuard()
    with pytest.raises(Unauthenticated):
        sign_in(session, guard, user, "wrong", "192.0.2.1")
    assert len(verifications) == 1
    with pytest.raises(Unauthenticated):
        sign_in(session, guard, "nobody@example.jp", "wrong", "192.0.2.1")
    assert len(verifications) == 2
    assert verifications[1] == DUMMY_HASH
    # The dummy hash has the parameters (memory, time, lanes) of a stored one: the same cost.
    assert not argon2.PasswordHasher().check_needs_rehash(DUMMY_HASH)
    assert argon2.extract_parameters(DUMMY_HASH) == argon2.extract_parameters(verifications[0])


def test_an_account_without_a_password_costs_the_same(
    session: Session, verifications: list[str]
) -> None:
    create_user(session, UserCreate(email="sso@example.jp", name="SSO", role=Role.VIEWER))
    with pytest.raises(Unauthenticated):
        sign_in(session, SignInGuard(), "sso@example.jp", "", "192.0.2.1")
    assert verifications == [DUMMY_HASH]


def test_at_most_the_configured_number_of_passwords_are_checked_at_once(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = SignInGuard(SignInLimits(password_checks=1), queue_seconds=0.2)
    inside, release = threading.Event(), threading.Event()
    real = argon2.PasswordHasher.verify

    def slow(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's name
        inside.set()
        release.wait(5)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", slow)
    first = threading.Thread(target=lambda: _quietly(sessions, guard))
    first.start()
    assert inside.wait(5)
    with sessions() as session, pytest.raises(Throttled) as busy:
        sign_in(session, guard, "b@example.jp", "wrong", "192.0.2.2")  # waits 0.2 s, then 429
    assert busy.value.retry_after == 1
    release.set()
    first.join(5)
    with sessions() as session, pytest.raises(Unauthenticated):  # free again
        sign_in(session, guard, "b@example.jp", "wrong", "192.0.2.2")


def _quietly(sessions: sessionmaker[Session], guard: SignInGuard) -> None:
    with sessions() as session, contextlib.suppress(Unauthenticated):
        sign_in(session, guard, "a@example.jp", "wrong", "192.0.2.1")
