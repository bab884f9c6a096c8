"""Who an OpenID Connect identity signs in as, and with which role (real databases)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import Role
from kasasu.errors import PermissionDenied
from kasasu.models import User
from kasasu.users.schemas import ProviderIdentity, SsoPolicy, UserCreate
from kasasu.users.service import create_user, provider_role, sign_in_with_provider

ISSUER = "https://login.example.com/realms/acme"
POLICY = SsoPolicy(
    issuer=ISSUER,
    provider="Acme SSO",
    role_map={"kasasu-admins": Role.ADMIN, "cs-team": Role.CSM, "everyone": Role.VIEWER},
    provision=True,
    email_domains=("example.com",),
)


def person(
    sub: str = "s-1", email: str | None = "mika@example.com", *roles: str
) -> ProviderIdentity:
    return ProviderIdentity(
        subject=sub, email=email, email_verified=True, name="Mika", roles=roles or ("cs-team",)
    )


def test_the_most_powerful_mapped_role_wins_else_the_default() -> None:
    assert provider_role(POLICY, ["everyone", "kasasu-admins", "cs-team"]) is Role.ADMIN
    assert provider_role(POLICY, ["everyone", "unknown"]) is Role.VIEWER
    assert provider_role(POLICY, ["unknown"]) is None
    with_default = SsoPolicy(issuer=ISSUER, provider="x", default_role=Role.VIEWER)
    assert provider_role(with_default, []) is Role.VIEWER


def test_first_sign_in_creates_the_user_and_later_ones_follow_the_claim(session: Session) -> None:
    first = sign_in_with_provider(session, POLICY, person("s-1", "mika@example.com", "cs-team"))
    assert (first.email, first.name, first.role) == ("mika@example.com", "Mika", Role.CSM)
    stored = session.get(User, first.id)
    assert stored is not None
    assert (stored.oidc_issuer, stored.oidc_subject, stored.password_hash) == (ISSUER, "s-1", None)
    # The provider's groups changed: the role follows at the next sign-in. The subject, not
    # the email, says who it is.
    again = sign_in_with_provider(
        session, POLICY, person("s-1", "mika.new@example.com", "everyone")
    )
    assert (again.id, again.role) == (first.id, Role.VIEWER)


def test_an_existing_user_is_linked_once_by_verified_email(session: Session) -> None:
    made = create_user(session, UserCreate(email="Ken@Example.com", name="Ken", role=Role.VIEWER))
    linked = sign_in_with_provider(
        session, POLICY, person("s-ken", "ken@example.com", "kasasu-admins")
    )
    assert (linked.id, linked.role) == (made.id, Role.ADMIN)
    # Another identity at the provider with the same email cannot take the user over.
    with pytest.raises(PermissionDenied, match="linked to another Acme SSO account"):
        sign_in_with_provider(session, POLICY, person("s-other", "ken@example.com"))
    unverified = ProviderIdentity(
        subject="s-2", email="new@example.com", email_verified=False, name=None, roles=("cs-team",)
    )
    with pytest.raises(PermissionDenied, match="has not verified your email address"):
        sign_in_with_provider(session, POLICY, unverified)


def test_refusals_say_why(session: Session) -> None:
    with pytest.raises(PermissionDenied, match=r"at evil\.example is not allowed"):
        sign_in_with_provider(session, POLICY, person("s-3", "eve@evil.example"))
    with pytest.raises(PermissionDenied, match="give you no role"):
        sign_in_with_provider(session, POLICY, person("s-4", "ann@example.com", "unknown"))
    with pytest.raises(PermissionDenied, match="did not tell Kasasu your email"):
        sign_in_with_provider(session, POLICY, person("s-5", None))
    no_provisioning = SsoPolicy(issuer=ISSUER, provider="Acme SSO", role_map=POLICY.role_map)
    with pytest.raises(PermissionDenied, match=r"no Kasasu user for bo@example\.com"):
        sign_in_with_provider(session, no_provisioning, person("s-6", "bo@example.com"))
    assert (
        session.query(User).filter(User.email.in_(["ann@example.com", "bo@example.com"])).count()
        == 0
    )


def test_a_deactivated_user_is_refused(session: Session) -> None:
    made = create_user(session, UserCreate(email="gone@example.com", name="Gone", role=Role.CSM))
    stored = session.get(User, made.id)
    assert stored is not None
    stored.is_active = False
    session.flush()
    with pytest.raises(PermissionDenied, match="deactivated"):
        sign_in_with_provider(session, POLICY, person("s-gone", "gone@example.com"))
    assert stored.role is Role.CSM
    assert stored.oidc_subject is None
