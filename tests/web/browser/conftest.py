"""A real browser on a real server: Debian's Chromium, driven by Playwright, on `kasasu serve`.

Each pytest worker builds its own demo company in its own data directory (the commands a
new user runs), serves it on a free port of 127.0.0.1, and opens one Chromium for the
session; each test gets a fresh browser context (no cookies), 1280×900, en-US unless the
test parametrizes ``locale``. Every test leaves a full-page screenshot in
``test-results/<test name>.png``, also when it fails.

Playwright never downloads a browser here: it launches the ``chromium`` of the machine. When
that is missing the tests fail with the command to install it; they never skip.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from benchmarks.serving import free_port, served
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.playbooks.conftest import Mailbox
from tests.support.cli import data_env, kasasu

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "kasasu-demo"
CSM_EMAIL = "csm@example.com"
CSM_PASSWORD = "kasasu-csm"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Two workers share the machine's two cores with the server processes: allow for slow pages.
expect.set_options(timeout=15_000)


def _user(email: str, name: str, role: str, password: str) -> tuple[str, ...]:
    return ("user", "create", "--email", email, "--name", name, "--role", role,
            "--password", password)  # fmt: skip


_SETUP = [
    ("init",),
    # 300 accounts: enough that some customers leaving soon turn red in the last week.
    ("demo", "--accounts", "300", "--months", "24", "--seed", "5", "--as-of", "2026/11/15"),
    # The pages open as they are first visited (what --pages computes ahead is tested apart).
    ("refresh", "--backfill", "--from=2026-08-01", "--to=2026-11-15", "--every=14", "--no-pages"),
    _user(ADMIN_EMAIL, "Demo Admin", "admin", ADMIN_PASSWORD),
    _user(CSM_EMAIL, "Demo CSM", "csm", CSM_PASSWORD),
]


def chromium_executable() -> str:
    """The machine's Chromium (Debian's package), or a failed test that says how to get it."""
    found = shutil.which("chromium")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.fail(
            "Chromium is not installed, and the browser tests drive Debian's Chromium "
            "(Playwright never downloads one). Install it with: "
            "apt-get install chromium fonts-noto-cjk",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def mail_server() -> Iterator[tuple[Mailbox, int]]:
    """A local SMTP server (aiosmtpd) that the demo's server sends all its email to."""
    found, port = Mailbox(), free_port()
    controller = Controller(found, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield found, port
    finally:
        controller.stop()


@pytest.fixture
def mailbox(mail_server: tuple[Mailbox, int]) -> Mailbox:
    return mail_server[0]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's demo company: its data directory, built by the commands of a new user."""
    data = tmp_path_factory.mktemp("browser") / "kasasu-data"
    for args in _SETUP:
        done = kasasu(data, *args)
        if done.returncode != 0:
            pytest.fail(
                f"`kasasu {' '.join(args)}` failed ({done.returncode}):\n{done.stderr}",
                pytrace=False,
            )
    return data


@pytest.fixture(scope="session")
def server(demo_data: Path, mail_server: tuple[Mailbox, int]) -> Iterator[str]:
    """The demo company served by `kasasu serve` (this worker's own), its email going to
    ``mail_server``; yields its base URL."""
    data = demo_data
    env = data_env(
        data,
        KASASU_DEV_MODE="true",
        KASASU_REFRESH__SCHEDULED="false",
        KASASU_LOCALE="ja",  # the deployment's default: the browser's language must win over it
        KASASU_MAIL__BACKEND="smtp",
        KASASU_MAIL__PORT=str(mail_server[1]),
    )
    with served(env, log=data.parent / "serve.log", stop_seconds=15) as (base_url, _server):
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for this worker's session."""
    executable = chromium_executable()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def locale() -> str:
    """The browser's language; a test parametrizes ``locale`` to change it."""
    return "en-US"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname in {
        "127.0.0.1",
        "localhost",
    }


def _screenshot_path(request: pytest.FixtureRequest) -> Path:
    results = request.config.rootpath / "test-results"
    results.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    return results / f"{name}.png"


@pytest.fixture
def page(
    browser: Browser, server: str, locale: str, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context on the server; relative URLs go to it.

    Nothing may load from outside this machine (DESIGN.md §6): such requests are blocked
    and fail the test, and so does any uncaught JavaScript error or anything the
    Content-Security-Policy blocks.
    """
    context = browser.new_context(
        base_url=server, viewport={"width": 1280, "height": 900}, locale=locale
    )
    outside: list[str] = []
    script_errors: list[str] = []

    def block(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not _is_local(url), block)
    tab = context.new_page()
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    # The Content-Security-Policy (security review F13) must never block anything the pages do.
    csp_violations: list[str] = []
    tab.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield tab
    finally:
        # The page may be gone when the test failed; the test's own error says why.
        with contextlib.suppress(PlaywrightError):
            tab.screenshot(path=_screenshot_path(request), full_page=True)
        context.close()
    assert not outside, f"the pages loaded from outside this machine: {outside}"
    assert not script_errors, f"JavaScript errors on the pages: {script_errors}"
    assert not csp_violations, f"the Content-Security-Policy blocked: {csp_violations}"


Screenshot = Callable[[str], None]


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Screenshot:
    """Save a full-page screenshot mid-journey: ``test-results/<test name>-<label>.png``."""

    def save(label: str) -> None:
        path = _screenshot_path(request)
        page.screenshot(path=path.with_name(f"{path.stem}-{label}.png"), full_page=True)

    return save


def submit_sign_in(page: Page, email: str, password: str, button: str = "Sign in") -> None:
    """Fill in the sign-in form on the page and press its button."""
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"][type="password"]').fill(password)
    page.get_by_role("button", name=button, exact=True).click()


def sign_in(page: Page, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    """Sign in through the login form, as a person does, and wait to be let in."""
    page.goto("/login")
    submit_sign_in(page, email, password)
    expect(page).not_to_have_url(re.compile(r"/login\b"))


def open_from_menu(page: Page, section: str, item: str | None = None) -> None:
    """Open a page as a person does: its section in the main navigation, then the page
    among the section's pages (a section of one page opens it at once)."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator(".sections").get_by_role("link", name=section, exact=True).click()
    if item is not None:
        nav.locator(".pages").get_by_role("link", name=item, exact=True).click()
