"""A real `kasasu serve` set up for single sign-on with the loopback OpenID provider."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.domain.choices import Role
from kasasu.users.service import get_user_by_email
from tests.serving import served
from tests.support.cli import kasasu
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

PASSWORD = "a password that would be right"
PASSWORD_USER = "pw@example.com"  # an admin created by the CLI, with a password


@dataclass
class Sso:
    base: str
    provider: Provider
    data: Path

    def browser(self, locale: str = "en") -> httpx.Client:
        return httpx.Client(
            base_url=self.base, follow_redirects=True, headers={"Accept-Language": locale}
        )

    def role_of(self, email: str) -> Role | None:
        engine = create_db_engine(f"sqlite:///{self.data}/kasasu.db")
        try:
            with transaction(session_factory(engine)) as session:
                user = get_user_by_email(session, email)
                return user.role if user else None
        finally:
            engine.dispose()

    def reset(self) -> None:
        """The provider as it was: nobody signed in, its own key, honest claims."""
        self.provider.person = None
        self.provider.sign_with = self.provider.key
        self.provider.claims_override = {}


@contextmanager
def sso_served(data: Path) -> Iterator[Sso]:
    """Kasasu with single sign-on only: groups "kasasu-admins" → admin, "staff" → viewer,
    users created at their first sign-in, emails at example.com only."""
    assert kasasu(data, "init").returncode == 0
    made = kasasu(
        data, "user", "create", "--email", PASSWORD_USER, "--role", "admin",
        "--password", PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with running_provider() as provider:
        settings = {
            "KASASU_DEV_MODE": "true",  # plain http on loopback: the cookie is not Secure
            "KASASU_REFRESH__SCHEDULED": "false",
            "KASASU_OIDC__ISSUER": provider.issuer,
            "KASASU_OIDC__CLIENT_ID": CLIENT_ID,
            "KASASU_OIDC__CLIENT_SECRET": CLIENT_SECRET,
            "KASASU_OIDC__PROVIDER_NAME": "Test IdP",
            "KASASU_OIDC__ROLES_CLAIM": "groups",
            "KASASU_OIDC__ROLE_MAP": json.dumps({"kasasu-admins": "admin", "staff": "viewer"}),
            "KASASU_OIDC__PROVISION": "true",
            "KASASU_OIDC__EMAIL_DOMAINS": "example.com",
            "KASASU_AUTH__PASSWORD_SIGN_IN": "false",
        }
        with served(data, **settings) as base:
            yield Sso(base, provider, data)
