"""Single sign-on end to end: a real `kasasu serve` and a real OpenID Connect provider, both
on loopback, and an HTTP client that follows the redirects as a browser would."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey

from kasasu.domain.choices import Role
from kasasu.web.auth import local_path
from kasasu.web.sso import identity_from_claims
from tests.web.oidc_provider import Person, Provider
from tests.web.sso_server import PASSWORD, PASSWORD_USER, Sso, sso_served

# On one worker (--dist loadgroup), so the module's fixture is built once.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group(__name__),
]  # a real kasasu serve process and an OpenID provider


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    with sso_served(tmp_path_factory.mktemp("sso") / "kasasu-data") as served_sso:
        yield served_sso


@pytest.fixture
def provider(sso: Sso) -> Iterator[Provider]:
    """The provider, put back as it was after each test."""
    yield sso.provider
    sso.reset()


def signed_in(browser: httpx.Client) -> bool:
    return browser.get("/").url.path == "/"


def test_sign_in_creates_the_user_with_the_role_of_their_groups(
    sso: Sso, provider: Provider
) -> None:
    provider.person = Person(
        sub="u-aki", email="aki@example.com", name="秋山", groups=["kasasu-admins"]
    )
    with sso.browser() as browser:
        landed = browser.get("/login/sso", params={"next": "/accounts"})
        assert landed.status_code == 200
        assert landed.url.path == "/accounts"  # back where they were going, signed in
        assert [r.url.host for r in landed.history] == ["127.0.0.1"] * 3
        assert signed_in(browser)
    assert sso.role_of("aki@example.com") is Role.ADMIN

    # Their groups change at the provider: the next sign-in gives the new role.
    provider.person = Person(sub="u-aki", email="aki@example.com", groups=["staff", "other"])
    with sso.browser() as browser:
        assert browser.get("/login/sso").url.path == "/"
        assert signed_in(browser)
    assert sso.role_of("aki@example.com") is Role.VIEWER


def test_a_tampered_or_foreign_state_is_refused(sso: Sso, provider: Provider) -> None:
    provider.person = Person(sub="u-mallory", email="mallory@example.com", groups=["kasasu-admins"])
    english = {"Accept-Language": "en"}
    with httpx.Client(base_url=sso.base, headers=english) as browser:
        to_provider = browser.get("/login/sso")
        assert to_provider.status_code == 302
        authorize = httpx.URL(to_provider.headers["location"])
        params = authorize.params
        assert params["code_challenge_method"] == "S256"
        assert params["nonce"]
        assert params["state"]
        back = httpx.get(authorize)
        callback = httpx.URL(back.headers["location"])
        tampered = callback.copy_set_param("state", params["state"] + "x")
        refused = browser.get(tampered)
        assert refused.status_code == 400
        assert "did not start in this browser" in refused.text
        assert browser.get("/").headers["location"].startswith("/login")
        # The genuine callback in another browser (a link sent to a victim) is refused too.
        with httpx.Client(headers=english) as elsewhere:
            foreign = elsewhere.get(callback)
            assert foreign.status_code == 400
            assert "did not start in this browser" in foreign.text
    assert sso.role_of("mallory@example.com") is None


def test_an_id_token_signed_by_another_key_is_refused(sso: Sso, provider: Provider) -> None:
    provider.person = Person(sub="u-forged", email="forged@example.com", groups=["kasasu-admins"])
    # Same key id as the published key, but not its private half: a forgery.
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    with sso.browser() as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 400
        assert "The answer from Test IdP could not be verified" in refused.text
        assert not signed_in(browser)
    assert sso.role_of("forged@example.com") is None


@pytest.mark.parametrize(
    "claims",
    [
        {"nonce": "not-the-one-sent"},
        {"aud": ["another-client"]},
        {"iss": "http://127.0.0.1:1"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    ],
    ids=["nonce", "aud", "iss", "exp"],
)
def test_id_token_claims_are_checked(sso: Sso, provider: Provider, claims: dict[str, Any]) -> None:
    provider.person = Person(sub="u-claims", email="claims@example.com", groups=["staff"])
    provider.claims_override = claims
    with sso.browser() as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 400
        assert "could not be verified" in refused.text
        assert not signed_in(browser)
    assert sso.role_of("claims@example.com") is None


def test_refusals_are_pages_that_say_why_in_the_readers_language(
    sso: Sso, provider: Provider
) -> None:
    provider.person = Person(sub="u-eve", email="eve@evil.example", groups=["kasasu-admins"])
    with sso.browser() as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 403
        assert "Signing in with an email address at evil.example is not allowed" in refused.text
        assert not signed_in(browser)
    with sso.browser("ja") as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 403
        assert "evil.example のメールアドレスではサインインできません" in refused.text
    assert sso.role_of("eve@evil.example") is None

    provider.person = Person(sub="u-nogroup", email="nogroup@example.com", groups=["unknown"])
    with sso.browser() as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 403
        assert "Your groups at Test IdP give you no role in Kasasu" in refused.text
    assert sso.role_of("nogroup@example.com") is None

    provider.person = None  # the person declines at the provider
    with sso.browser() as browser:
        refused = browser.get("/login/sso")
        assert refused.status_code == 403
        assert "Test IdP did not sign you in (access_denied)" in refused.text
        assert not signed_in(browser)


def test_password_sign_in_turned_off(sso: Sso) -> None:
    with sso.browser() as browser:
        page = browser.get("/login")
        assert page.status_code == 200
        assert 'name="password"' not in page.text
        assert 'action="/login"' not in page.text
        assert "Sign in with Test IdP" in page.text
        assert 'href="/login/sso?next=/"' in page.text or 'href="/login/sso?next=%2F"' in page.text
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert token
        form = {
            "email": PASSWORD_USER,
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/",
        }
        refused = browser.post("/login", data=form)
        assert refused.status_code == 403
        assert "Signing in with a password is turned off" in refused.text
        assert not signed_in(browser)


def test_the_roles_claim_may_be_a_list_a_string_or_nested() -> None:
    claims = {
        "sub": "s",
        "email": "a@example.com",
        "email_verified": "true",
        "groups": ["x", 3, "y"],
        "hd": "example.com",
        "realm_access": {"roles": ["kasasu-admin"]},
        "odd": {"not": "a list"},
    }
    assert identity_from_claims(claims, "groups").roles == ("x", "y")
    assert identity_from_claims(claims, "hd").roles == ("example.com",)
    assert identity_from_claims(claims, "realm_access.roles").roles == ("kasasu-admin",)
    assert identity_from_claims(claims, "odd").roles == ()
    assert identity_from_claims(claims, "missing.claim").roles == ()
    assert identity_from_claims(claims, "groups").email_verified is True
    strange = identity_from_claims({"sub": "s", "email": "no-at-sign", "email_verified": 1}, "g")
    assert (strange.email, strange.email_verified) == (None, False)


def test_the_page_after_signing_in_is_on_this_site() -> None:
    assert local_path("/accounts?page=2") == "/accounts?page=2"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "/\tx"):
        assert local_path(elsewhere) == "/"
