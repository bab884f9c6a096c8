"""Security review F13: the pages work under the Content-Security-Policy. Charts, type-ahead
search and the API docs run and are drawn with no CSP violation and no script error; that
the policy blocks what it must is shown by a control. (Every page of the workspace is
visited under the policy, its nonce checked, by test_every_page.py's walk in both
languages.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.web.browser.conftest import sign_in

# One worker runs them all, so the demo company is built and served once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo

_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page: Page) -> list[str]:
    """CSP reports from the console and from ``securitypolicyviolation`` events."""
    found: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            found.append(message.text)

    page.on("console", console)
    page.context.add_init_script(_WATCH)
    return found


def _violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def test_charts_search_and_docs_run_under_the_csp(page: Page) -> None:
    console = _watch(page)
    sign_in(page)
    page.goto("/dashboard")
    expect(page.locator("#waterfall .main-svg").first).to_be_visible()
    expect(page.locator("table.heat td.heat-10").first).to_be_visible()
    page.goto("/accounts")
    count = page.get_by_text(re.compile(r"^\s*\d[\d,]* accounts\s*$"))
    expect(count).to_have_text(re.compile(r"\b300 accounts"))
    page.locator('input[name="q"][type="search"]').press_sequentially("zzzz-none", delay=30)
    expect(count).to_have_text(re.compile(r"\b0 accounts"))  # htmx swapped the rows in
    page.goto("/accounts?band=green")  # a customer now: its usage and MRR have charts
    page.locator('table a[href^="/accounts/"]').first.click()
    expect(page.locator("#usage-chart .main-svg, #mrr-chart .main-svg").first).to_be_visible()
    assert _violations(page) == []
    page.goto("/survey-results")
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title").first).to_be_visible()
    assert _violations(page) == []
    assert console == [], console


def test_a_violation_is_seen(browser: Browser, server: str) -> None:
    """The control: an inline style added by a script is blocked and reported, so the checks
    above (and the ``page`` fixture's) would see one. Its own browser context: the fixture
    fails any test with a violation."""
    context = browser.new_context(base_url=server)
    try:
        tab = context.new_page()
        console = _watch(tab)
        tab.goto("/login")
        tab.evaluate(
            "() => { const s = document.createElement('style');"
            " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
        )
        expect(tab.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
        tab.wait_for_function("window.__cspViolations.length > 0")
        assert _violations(tab) == ["style-src-elem inline"]
        assert any("Content Security Policy" in text for text in console)
    finally:
        context.close()
