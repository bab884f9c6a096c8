"""Single sign-on in a real browser: Chromium follows the redirects to the loopback OpenID
provider and back, and keeps the session cookie that binds the state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kasasu.domain.choices import Role
from tests.web.oidc_provider import Person
from tests.web.sso_server import Sso, sso_served

# One worker runs them all, so the demo company is built and served once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    with sso_served(tmp_path_factory.mktemp("sso-browser") / "kasasu-data") as served_sso:
        yield served_sso


def test_signing_in_with_the_provider_in_a_browser(sso: Sso, browser: Browser) -> None:
    sso.provider.person = Person(
        sub="u-browser", email="yui@example.com", name="Yui", groups=["kasasu-admins"]
    )
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{sso.base}/accounts")  # a visitor: sent to the sign-in page
        expect(page.locator("#password")).to_have_count(0)
        page.get_by_role("link", name="Test IdP でサインイン").click()
        page.wait_for_url(f"{sso.base}/accounts")
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=str(Path("test-results") / "test_sso_in_a_browser.png"))
    finally:
        context.close()
        sso.reset()
    assert sso.role_of("yui@example.com") is Role.ADMIN
