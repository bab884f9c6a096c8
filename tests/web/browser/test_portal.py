"""The customer portal in a real browser on the served demo company: a contact signs in with
the link the local SMTP server received, sees their own company, and a contact of another
company can reach none of it (pages, direct URLs, the JSON API); the help centre finds an
article by an inflected verb."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.playbooks.conftest import Mailbox
from tests.web.browser.conftest import CSM_EMAIL, CSM_PASSWORD, Screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo

LINK = re.compile(r"https?://[^\s/]+(/portal/sign-in/[A-Za-z0-9_\-]+)")


def _two_companies(data: Path) -> tuple[tuple[str, str], tuple[str, str]]:
    """A contact's email and their company's name, for two companies of the demo."""
    with sqlite3.connect(data / "kasasu.db") as db:
        rows = db.execute(
            "SELECT c.email, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id"
            " WHERE c.email IS NOT NULL AND c.left_on IS NULL ORDER BY a.id, c.id"
        ).fetchall()
    first = rows[0]
    second = next(r for r in rows if r[1] != first[1])
    return first, second


def sign_in_by_link(page: Page, mailbox: Mailbox, email: str) -> None:
    """Ask for a link as a contact does, open it from the mail, press Sign in."""
    before = len(mailbox.messages)
    page.goto("/portal/sign-in")
    page.locator('input[name="email"]').fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_text(email)).to_be_visible()
    for _ in range(100):
        if len(mailbox.messages) > before:
            break
        page.wait_for_timeout(100)
    mail = mailbox.messages[-1]
    assert mail["To"] == email
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found, body.get_content()
    page.goto(found.group(1))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/portal$"))


def test_a_contact_signs_in_by_link_and_sees_only_their_company(
    page: Page, mailbox: Mailbox, demo_data: Path, screenshot: Screenshot
) -> None:
    (email_a, company_a), (email_b, company_b) = _two_companies(demo_data)
    sign_in_by_link(page, mailbox, email_a)
    expect(page.locator("body")).to_contain_text(company_a)
    screenshot("home-a")
    own = page.request.get("/portal/api/home")
    assert own.status == 200
    assert company_a in own.text()
    # The link was used: a second visit cannot sign in again.
    page.context.clear_cookies()
    sign_in_by_link(page, mailbox, email_b)
    expect(page.locator("body")).to_contain_text(company_b)
    for path in ("/portal", "/portal/requests?show=all", "/portal/announcements"):
        page.goto(path)
        expect(page.locator("body")).not_to_contain_text(company_a)
    # Another company's data is not reachable by naming it, in pages or the API.
    api = page.request.get("/portal/api/home")
    assert company_b in api.text()
    assert company_a not in api.text()
    assert page.request.get("/portal/api/requests?account_id=1").status == 422
    screenshot("home-b")


def test_the_help_centre_finds_an_article_by_an_inflected_verb(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/help")
    page.locator('input[name="q"]').first.fill("発行した")
    page.locator('input[name="q"]').first.press("Enter")
    expect(page.get_by_role("link", name="APIキーを発行する")).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    screenshot("search")


QUESTION = "請求書の発行について教えてください"
HOSTILE = (
    "毎月の請求書を発行したいのですが、どこから発行できますか?\n\n"
    "<script>window.__owned = 1</script>"
    '<img src="/static/none.png" onerror="window.__owned = 2">'
    '<a href="javascript:window.__owned = 3">link</a>'
)


def test_a_question_is_asked_answered_accepted_and_found(
    page: Page, mailbox: Mailbox, demo_data: Path, screenshot: Screenshot
) -> None:
    """Contact A asks in Japanese (with HTML that must stay inert), contact B of another
    company answers, a CSM accepts the answer; the thread is found by another form of the
    verb it uses."""
    (email_a, _company_a), (email_b, _company_b) = _two_companies(demo_data)
    sign_in_by_link(page, mailbox, email_a)
    page.goto("/portal/community/new")
    page.locator('input[name="title"]').fill(QUESTION)
    page.locator('textarea[name="body"]').fill(HOSTILE)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(re.compile(r"/portal/community/posts/\d+"))
    thread = re.sub(r"[?#].*$", "", page.url.split("/portal/community/posts/")[1])
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    # Nothing of the HTML ran or survived as markup (the page fixture also fails on any
    # script error or Content-Security-Policy report).
    assert page.evaluate("window.__owned") is None
    assert page.locator("main [onerror], main script, main a[href^='javascript']").count() == 0
    screenshot("asked")

    page.context.clear_cookies()
    sign_in_by_link(page, mailbox, email_b)
    page.goto(f"/portal/community/posts/{thread}")
    page.locator('textarea[name="body"]').last.fill("設定 › 契約 の画面から毎月発行できますよ。")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("body")).to_contain_text("毎月発行できますよ")

    page.context.clear_cookies()
    sign_in(page, CSM_EMAIL, CSM_PASSWORD)
    page.goto(f"/community/posts/{thread}")
    page.get_by_role("button", name="Accept this answer").first.click()
    expect(page.get_by_text("Accepted answer").first).to_be_visible()
    screenshot("accepted")

    page.context.clear_cookies()
    sign_in_by_link(page, mailbox, email_a)
    page.goto(f"/portal/community/posts/{thread}")
    expect(page.get_by_text("Solved").first).to_be_visible()
    page.goto("/portal/community/search?q=" + "発行する")
    expect(page.get_by_role("link", name=QUESTION)).to_be_visible()
    screenshot("found")
