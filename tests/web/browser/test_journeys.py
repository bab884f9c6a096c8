"""Journeys through the pages in a real browser, checked by the text a person sees."""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from kasasu.domain.choices import Role
from kasasu.web.navigation import pages_for
from tests.playbooks.conftest import Mailbox
from tests.support.cli import kasasu
from tests.web.browser.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CSM_EMAIL,
    CSM_PASSWORD,
    Screenshot,
    open_from_menu,
    sign_in,
    submit_sign_in,
)

# One worker runs them all, so the demo company is built and served once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo

ON_LOGIN = re.compile(r"/login(\?.*)?$")
COUNT_LINE = re.compile(r"^\s*\d[\d,]* accounts\s*$")


def _turned_red(data: Path) -> tuple[str, str]:
    """(its CSM's email, its name) of an account red on the latest refresh day and not red
    on the day Home compares with (the latest refresh at least 7 days before)."""
    with sqlite3.connect(data / "kasasu.db") as db:
        [latest] = db.execute("SELECT max(as_of) FROM health_scores").fetchone()
        week_ago = (date.fromisoformat(latest) - timedelta(days=7)).isoformat()
        [before] = db.execute(
            "SELECT max(as_of) FROM health_scores WHERE as_of <= ?", (week_ago,)
        ).fetchone()
        found = db.execute(
            "SELECT u.email, a.name FROM health_scores n"
            " JOIN health_scores b ON b.account_id = n.account_id AND b.as_of = ?"
            " JOIN accounts a ON a.id = n.account_id JOIN users u ON u.id = a.owner_id"
            " WHERE n.as_of = ? AND n.band = 'red' AND b.band NOT IN ('red', 'unknown')"
            " ORDER BY a.id LIMIT 1",
            (before, latest),
        ).fetchone()
    assert found, "the demo company has an account that turned red in its last week"
    return str(found[0]), str(found[1])


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def account_links(page: Page) -> Locator:
    return page.locator('table a[href^="/accounts/"]')


def accounts_counted(count_line: Locator) -> int:
    return int(count_line.inner_text().split()[0].replace(",", ""))


def test_server_answers(page: Page) -> None:
    page.goto("/healthz")
    expect(page.locator("body")).to_have_text("ok")


def test_admin_signs_in_lands_on_home_and_finds_the_dashboard(page: Page) -> None:
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, "kasasu-demo")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(heading(page)).to_have_text("Home")
    nav = page.get_by_role("navigation", name="Main")
    sections = ("Home", "Customers", "Renewals and churn", "Voice and needs", "Automation",
                "Reports", "Settings")  # fmt: skip
    for label in sections:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Customers", exact=True).click()
    expect(heading(page)).to_have_text("Accounts")
    for label in ("Accounts", "My tasks", "Workload", "Segments"):  # the section's pages
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Reports", exact=True).click()
    expect(heading(page)).to_have_text("Dashboard")
    expect(page.get_by_text("MRR", exact=True).first).to_be_visible()


def test_a_wrong_password_is_refused(page: Page) -> None:
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, "not-the-password")
    expect(page.get_by_text("Wrong email or password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(ON_LOGIN)


def test_search_narrows_the_accounts_and_opens_one(page: Page) -> None:
    sign_in(page)
    page.goto("/accounts")
    expect(heading(page)).to_have_text("Accounts")
    count_line = page.get_by_text(COUNT_LINE)
    expect(count_line).to_have_text(re.compile(r"\b300 accounts"))
    first = account_links(page).first
    name = first.inner_text().strip()
    term = name[:3]

    page.locator('input[name="q"][type="search"]').press_sequentially(term, delay=50)
    expect(count_line).not_to_have_text(re.compile(r"\b300 accounts"))
    assert 0 < accounts_counted(count_line) < 300
    match = account_links(page).filter(has_text=re.compile(f"^{re.escape(name)}$"))
    expect(match).to_have_count(1)

    match.click()
    expect(heading(page)).to_have_text(name)
    expect(page.get_by_role("heading", name="Health", exact=True)).to_be_visible()


def test_a_logged_note_appears_in_the_timeline(page: Page) -> None:
    sign_in(page)
    page.goto("/accounts")
    first = account_links(page).first
    name = first.inner_text().strip()
    first.click()
    expect(heading(page)).to_have_text(name)

    note = f"Called about the renewal, ref {uuid.uuid4().hex[:10]}"
    page.locator('#note-form textarea[name="body"]').fill(note)
    page.get_by_role("button", name="Log note", exact=True).click()
    # In the timeline (the History section lists the new activity's fields too).
    expect(page.locator("#timeline").get_by_text(note)).to_be_visible()
    expect(page.locator("#history").get_by_role("cell", name=note).first).to_be_visible()
    expect(heading(page)).to_have_text(name)


def test_the_language_switch_sticks_for_the_session(page: Page, screenshot: Screenshot) -> None:
    sign_in(page)
    expect(heading(page)).to_have_text("Home")

    page.get_by_role("link", name="日本語", exact=True).click()
    expect(heading(page)).to_have_text("ホーム")
    page.goto("/accounts")
    expect(heading(page)).to_have_text("顧客企業")
    page.goto("/dashboard")
    expect(heading(page)).to_have_text("ダッシュボード")
    screenshot("ja")

    page.get_by_role("link", name="English", exact=True).click()
    expect(heading(page)).to_have_text("Dashboard")
    page.goto("/accounts")
    expect(heading(page)).to_have_text("Accounts")


@pytest.mark.parametrize(
    ("locale", "button"), [("en-US", "Sign in"), ("ja-JP", "サインイン")], ids=["en", "ja"]
)
def test_a_visitor_is_sent_to_sign_in(page: Page, button: str) -> None:
    page.goto("/accounts")
    expect(page).to_have_url(ON_LOGIN)
    expect(page.get_by_role("button", name=button, exact=True)).to_be_visible()
    expect(page.locator('input[name="email"]')).to_be_visible()


def test_a_csm_signs_out(page: Page) -> None:
    sign_in(page, CSM_EMAIL, CSM_PASSWORD)
    expect(heading(page)).to_have_text("Home")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(ON_LOGIN)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(ON_LOGIN)


def test_a_task_created_on_an_account_is_completed_in_my_tasks(page: Page) -> None:
    sign_in(page)
    page.goto("/accounts")
    account_links(page).first.click()
    title = f"Send the renewal proposal {uuid.uuid4().hex[:8]}"
    page.locator('#task-form input[name="title"]').fill(title)
    # The account's CSM by default; here the one signed in takes it.
    page.locator('select[name="owner_id"]').select_option(label="Demo Admin")
    page.get_by_role("button", name="Create task", exact=True).click()
    expect(page.locator("#tasks").get_by_text(title)).to_be_visible()

    open_from_menu(page, "Customers", "My tasks")
    expect(heading(page)).to_have_text("My tasks")
    # Loaded, so htmx is bound to the forms: a click before that posts the form as a plain
    # page (the answer without htmx, correct but without the "Done" line; seen under load).
    page.wait_for_load_state("load")
    row = page.locator("tr", has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Complete", exact=True).click()
    expect(page.get_by_text(f"Done: {title}")).to_be_visible()  # swapped in place by htmx
    page.reload()
    expect(page.get_by_text(title)).to_have_count(0)


def test_a_file_with_a_bad_row_is_refused_with_its_row(page: Page, tmp_path: Path) -> None:
    sign_in(page)
    open_from_menu(page, "Settings", "Import")
    bad = tmp_path / "accounts.csv"
    # Excel's Japanese CSV: Shift_JIS (CP932); row 3 (after the header) has no name.
    bad.write_bytes("顧客ID,顧客名\nBR-1,株式会社ブラウザ\nBR-2,\n".encode("cp932"))
    page.locator('input[type="file"]').set_input_files(str(bad))
    page.get_by_role("button", name="Check the file", exact=True).click()
    expect(page.get_by_text("The file was not imported")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("nothing was written")
    expect(page.locator("table tbody tr").first).to_contain_text("3")


def test_a_segment_created_in_the_form_is_listed(page: Page) -> None:
    sign_in(page)
    open_from_menu(page, "Customers", "Segments")
    expect(heading(page)).to_have_text("Segments")
    name = f"big-{uuid.uuid4().hex[:8]}"
    page.locator('input[name="name"]').fill(name)
    page.locator('textarea[name="rule"]').fill("mrr >= 100000 and and")
    page.get_by_role("button", name="Save segment", exact=True).click()
    expect(page.locator("#segment-rule-error")).to_contain_text("column")  # under the rule
    # The builder writes the rule: MRR ≥ 100000, and health red.
    builder = page.locator("#rule-builder")
    builder.get_by_role("button", name="Add a condition").click()
    first = builder.locator(".rule-row").nth(0)
    first.get_by_label("Field").select_option("mrr")
    first.get_by_label("Comparison").select_option(">=")
    first.get_by_label("Value").fill("100000")
    builder.get_by_role("button", name="Add a condition").click()
    second = builder.locator(".rule-row").nth(1)
    second.get_by_label("Field").select_option("band")
    second.get_by_label("Value").select_option("red")
    expect(page.locator('textarea[name="rule"]')).to_have_value('mrr >= 100000 and band == "red"')
    page.locator('input[name="description"]').fill("大口の顧客")
    page.get_by_role("button", name="Save segment", exact=True).click()
    row = page.locator("tr", has_text=name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text('mrr >= 100000 and band == "red"')
    expect(row).to_contain_text("大口の顧客")
    row.get_by_role("link", name=name, exact=True).click()
    expect(heading(page)).to_have_text(f"Segment {name}")


def test_a_playbook_pasted_with_a_mistake_is_saved_once_fixed(page: Page) -> None:
    sign_in(page)
    open_from_menu(page, "Automation")
    expect(heading(page)).to_have_text("Playbooks")
    name = f"renewal-{uuid.uuid4().hex[:8]}"
    bad = (
        f"- name: {name}\n"
        "  title: {ja: 更新45日前, en: Renewal in 45 days}\n"
        "  trigger: {type: renewal_soon, days: 45}\n"
        "  actions:\n"
        '    - {type: task, title: "Renewal: {{ account.name }}"}\n'
    )
    text = page.get_by_label("Playbooks (YAML)")
    text.fill(bad)
    page.get_by_role("button", name="Check and preview", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Line 3 trigger: Unknown type renewal_soon")
    expect(text).to_have_value(bad)  # what was pasted stays to be fixed
    text.fill(bad.replace("renewal_soon", "renewal_due"))
    page.get_by_role("button", name="Check and preview", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The YAML is valid: 1 playbooks")
    expect(page.get_by_role("status")).to_contain_text("Renewal in 45 days")
    page.get_by_role("button", name="Save playbooks", exact=True).click()
    expect(heading(page)).to_have_text("Renewal in 45 days")
    expect(page.locator("dl.facts")).to_contain_text(name)
    page.get_by_role("link", name="Playbooks", exact=True).first.click()
    expect(page.locator("tr", has_text=name)).to_contain_text("Renewal in 45 days")


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"], ids=["ja", "en"])
def test_home_and_an_account_fit_a_phone(page: Page, screenshot: Screenshot, locale: str) -> None:
    """On a 390 px phone nothing scrolls sideways but a wide table inside its own box, and
    the menu folds behind a button that opens it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    button = "サインイン" if locale.startswith("ja") else "Sign in"
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, button)
    expect(heading(page)).to_have_text("ホーム" if locale.startswith("ja") else "Home")
    nav = page.locator("nav.main-nav")
    expect(nav).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(nav).to_be_visible()
    expect(nav.locator(".sections a").first).to_be_visible()
    wide = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(wide) <= 0
    screenshot("home")
    page.goto("/accounts?mine=0")
    account_links(page).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/\d+$"))  # the account, not the list
    page.wait_for_load_state("load")  # its styles and charts in place before measuring
    assert page.evaluate(wide) <= 0
    screenshot("account")


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", {"button": "Sign in", "review": "Review", "confirm": "Confirm: change",
                   "done": "Done: "}),
        ("ja-JP", {"button": "サインイン", "review": "確認する", "confirm": "確定:",
                   "done": "完了: "}),
    ],
    ids=["en", "ja"],
)  # fmt: skip
def test_a_leader_assigns_every_red_account_by_mrr_to_a_csm(
    page: Page, screenshot: Screenshot, words: dict[str, str]
) -> None:
    """Sorted by MRR, highest first; filtered to red; all of them assigned at once."""
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, words["button"])
    page.goto("/accounts?mine=0")
    page.locator("th a.sort", has_text="MRR").click()  # MRR sorts highest first
    expect(page.locator('th[aria-sort="descending"]', has_text="MRR")).to_be_visible()
    # The header is a plain link: the new page must have loaded (htmx bound to the filters)
    # before a filter changes, or the change goes nowhere.
    page.wait_for_load_state("load")
    mrr = page.locator("#account-rows tbody tr td.num").first
    expect(mrr).to_be_visible()
    page.locator('select[name="band"]').select_option("red")
    expect(page).to_have_url(re.compile(r"band=red"))
    total = int(re.sub(r"\D", "", page.locator("#account-rows p.muted").first.inner_text()))
    assert total > 0
    page.locator('input[name="scope"][value="all"]').check()
    page.locator('select[name="kind"]').select_option("owner")
    page.locator('#bulk select[name="owner_id"]').select_option(label="Demo CSM")
    page.get_by_role("button", name=words["review"], exact=True).click()
    screenshot("confirm")
    page.get_by_role("button", name=re.compile(re.escape(words["confirm"]))).click()
    expect(page.get_by_role("status")).to_contain_text(f"{words['done']}{total}")
    page.goto("/accounts?mine=0&band=red")
    owners = page.locator("#account-rows tbody tr td:nth-child(6)")
    expect(owners.first).to_have_text("Demo CSM")


@pytest.mark.parametrize("locale", ["ja-JP"], ids=["ja"])
def test_searching_a_reading_finds_the_kanji(page: Page) -> None:
    """せんだい, センダイ, ｾﾝﾀﾞｲ and sendai all find the accounts named 仙台… (if any)."""
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, "サインイン")
    page.goto("/accounts?mine=0&q=仙台")
    expected = page.locator("#account-rows tbody a[href^='/accounts/']").all_inner_texts()
    assert expected, "the demo company has accounts named 仙台"
    for reading in ("せんだい", "センダイ", "ｾﾝﾀﾞｲ", "sendai"):
        page.goto(f"/accounts?mine=0&q={reading}")
        found = page.locator("#account-rows tbody a[href^='/accounts/']").all_inner_texts()
        assert set(expected) <= set(found), reading


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", {"button": "Sign in", "home": "Home", "red": "red", "log": "Log note",
                   "task": "Create task", "start": "Start on this account",
                   "started": "Playbook started"}),
        ("ja-JP", {"button": "サインイン", "home": "ホーム", "red": "赤", "log": "メモを記録",
                   "task": "タスクを作成", "start": "この顧客で開始する",
                   "started": "プレイブックを開始しました"}),
    ],
    ids=["en", "ja"],
)  # fmt: skip
def test_a_csm_works_an_account_from_home(
    page: Page, screenshot: Screenshot, words: dict[str, str], demo_data: Path
) -> None:
    """A CSM's day: on Home, an account of theirs that turned red this week; on its page a
    call logged with a next step, a task for the account's CSM, a playbook started on it."""
    email, name = _turned_red(demo_data)
    assert kasasu(demo_data, "user", "set-password", "--email", email,
                  "--password", CSM_PASSWORD).returncode == 0  # fmt: skip
    page.goto("/login")
    submit_sign_in(page, email, CSM_PASSWORD, words["button"])
    # The demo's CSMs chose Japanese; the English journey switches for the session.
    page.goto(f"/?lang={'ja' if words['home'] == 'ホーム' else 'en'}")
    expect(heading(page)).to_have_text(words["home"])
    worsened = page.locator("section[aria-labelledby='worse-title'] tbody tr", has_text=name)
    expect(worsened.locator(".band-red")).to_have_text(words["red"])
    screenshot("home")
    worsened.get_by_role("link", name=name).click()
    expect(heading(page)).to_have_text(name)
    note = f"call {uuid.uuid4().hex[:8]}"
    page.locator("#note-kind").select_option("call")
    page.locator('input[name="next_step"]').fill("2026-12-24")
    page.locator('#note-form textarea[name="body"]').fill(note)
    page.get_by_role("button", name=words["log"], exact=True).click()
    expect(page.locator("#timeline").get_by_text(note)).to_be_visible()
    expect(page.locator("#tasks").get_by_text(note)).to_be_visible()  # its next step
    title = f"task {uuid.uuid4().hex[:8]}"
    page.locator('#task-form input[name="title"]').fill(title)
    page.get_by_role("button", name=words["task"], exact=True).click()
    expect(page.locator("#tasks").get_by_text(title)).to_be_visible()
    page.locator('select[name="playbook"]').select_option("usage-drop")
    page.get_by_role("button", name=words["start"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(words["started"])
    expect(page.locator("#playbook-runs li").first).to_be_visible()
    expect(heading(page)).to_have_text(name)
    screenshot("account")


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", {"button": "Sign in", "create": "Create campaign", "send": "Send ",
                   "sent": " invitations sent.", "segment": "enterprise"}),
        ("ja-JP", {"button": "サインイン", "create": "配信を作成", "send": "件の招待を送信",
                   "sent": "件の招待を送信しました。", "segment": "tech-touch"}),
    ],
    ids=["en", "ja"],
)  # fmt: skip
def test_a_leader_sends_a_survey_to_a_segment(
    page: Page, screenshot: Screenshot, words: dict[str, str], mailbox: Mailbox
) -> None:
    """Created in the form, reviewed (recipients and the email as it will read), sent: the
    local SMTP server receives one email per recipient the page named."""
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, words["button"])
    page.goto("/surveys")
    name = f"nps-{uuid.uuid4().hex[:6]}"
    page.locator("#survey-name").fill(name)
    page.locator("#survey-segment").select_option(words["segment"])
    # The demo's NPS of November asked them all: ask again anyway (the throttle, at 0 days).
    page.locator("#survey-throttle").fill("0")
    page.get_by_role("button", name=words["create"], exact=True).click()
    expect(page).to_have_url(re.compile(rf"/surveys/{name}/send$"))
    recipients = page.locator("#recipients li").all_inner_texts()
    assert recipients, "the segment has contacts nobody surveyed yet"
    expect(page.locator("#sample-body")).to_contain_text("/s/")
    screenshot("review")
    before = len(mailbox.messages)
    send = page.get_by_role("button", name=re.compile(re.escape(words["send"])))
    count = int(re.sub(r"\D", "", send.inner_text()))
    send.click()
    expect(page.get_by_role("status")).to_contain_text(f"{count}{words['sent']}")
    arrived = [str(m["To"]) for m in mailbox.messages[before:]]
    assert len(arrived) == count
    assert set(recipients) <= set(arrived)


def test_revoking_a_key_asks_first(page: Page) -> None:
    """A destructive action asks; dismissed, nothing is sent; accepted, the key is revoked."""
    sign_in(page)
    page.goto("/settings")
    name = f"ci-{uuid.uuid4().hex[:6]}"
    page.locator('form[action="/settings/keys"] input[name="name"]').fill(name)
    page.get_by_role("button", name="Create API key").click()
    row = page.locator("tr", has_text=name)
    questions: list[str] = []

    def answer(accept: bool) -> None:
        def on_dialog(dialog: Dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", on_dialog)

    answer(accept=False)
    row.get_by_role("button", name="Revoke").click()
    page.goto("/settings")
    expect(row.get_by_role("button", name="Revoke")).to_be_visible()  # still valid
    answer(accept=True)
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("revoked")
    assert (
        questions == [f"Revoke the API key “{name}”? Whatever uses it stops working at once."] * 2
    )


@pytest.mark.parametrize("locale", ["ja-JP"], ids=["ja"])
def test_every_menu_page_fits_a_phone(page: Page) -> None:
    """On a 390 px phone no page of the menu, nor the 180-day renewals (a wide table of
    forms whose labels are visually hidden), nor an account page scrolls sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, "サインイン")
    wide = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    paths = [p.href for p in pages_for(Role.ADMIN)] + ["/renewals?within=180", "/accounts/5"]
    overflowing = {}
    for path in paths:
        page.goto(path)
        extra = page.evaluate(wide)
        if extra > 0:
            overflowing[path] = extra
    assert overflowing == {}


def test_a_csm_ticks_an_onboarding_step_from_the_board(page: Page, screenshot: Screenshot) -> None:
    """The demo's plans on the Onboarding board (with the portfolio's timeline); an account
    opened from it, a step ticked: its progress moves, and reopening moves it back."""
    sign_in(page)
    open_from_menu(page, "Customers", "Onboarding")
    expect(heading(page)).to_have_text("Onboarding")
    expect(page.locator("svg.gantt").first).to_be_visible()
    screenshot("board")
    page.locator("table.data tbody tr a").first.click()
    card = page.locator("#onboarding")
    progress = card.get_by_text(re.compile(r"\d+ of \d+ steps done"))
    before = progress.inner_text()
    done, total = (int(n) for n in re.findall(r"\d+", before)[:2])
    card.get_by_role("button", name="Mark done").first.click()
    expect(card.get_by_text(f"{done + 1} of {total} steps done")).to_be_visible()
    screenshot("ticked")
    card.get_by_role("button", name="Reopen").first.click()
    expect(card.get_by_text(f"{done} of {total} steps done")).to_be_visible()


def test_a_leader_starts_an_onboarding_template_in_the_form(
    page: Page, screenshot: Screenshot
) -> None:
    """A template started in the form (no YAML): a step added with a link, a due day out of
    range shown under its box and saved once fixed; its YAML tab and the list show it. Tried
    after the standard template (priority 900), it is no account's plan."""
    sign_in(page)
    open_from_menu(page, "Customers", "Onboarding")
    page.get_by_role("link", name="Onboarding templates", exact=True).click()
    page.get_by_role("link", name="Start a template in the form", exact=True).click()
    expect(heading(page)).to_have_text("New onboarding template")
    name = f"webinar-{uuid.uuid4().hex[:8]}"
    page.get_by_label("Name (letters, digits, . _ -)").fill(name)
    page.get_by_label("Title (English)", exact=True).fill("Webinar track")
    page.get_by_label("Title (Japanese)", exact=True).fill("ウェビナー中心")
    page.get_by_label("Priority (lower is tried first)").fill("900")
    stage = page.locator("#stage-0")
    stage.get_by_label("Stage title (English)").fill("Learn")
    first = page.locator("#stage-0-step-0")
    first.get_by_label("Key (unique in the template)").fill("welcome")
    first.get_by_label("Step title (English)").fill("Welcome webinar")
    first.get_by_label("Side").select_option("customer")
    first.get_by_label("Due (days after the start)").fill("5000")
    first.get_by_label("Link title (English)").fill("Webinar recording")
    first.get_by_label("Web address (https://…)").fill("https://example.com/webinar")

    stage.get_by_role("button", name="Add a step to this stage").click()
    second = page.locator("#stage-0-step-1")
    expect(second.get_by_label("Key (unique in the template)")).to_be_focused()
    expect(first.get_by_label("Due (days after the start)")).to_have_value("5000")  # kept
    second.get_by_label("Key (unique in the template)").fill("first-report")
    second.get_by_label("Step title (English)").fill("First report")
    second.get_by_label("Due (days after the start)").fill("30")
    second.get_by_label("First value").check()
    page.get_by_role("button", name="Save as a new version", exact=True).click()
    due = first.get_by_label("Due (days after the start)")
    expect(page.locator("#f-stage-0-step-0-due_days-error")).to_have_text("Must be 3650 or less")
    expect(due).to_be_focused()
    screenshot("mistake")

    due.fill("14")
    page.get_by_role("button", name="Save as a new version", exact=True).click()
    expect(heading(page)).to_contain_text("Webinar track")
    expect(heading(page)).to_contain_text("version 1")
    expect(page.locator("#stage-0-step-1").get_by_label("First value")).to_be_checked()
    screenshot("saved")
    page.get_by_role("navigation", name="Edit as").get_by_role("link", name="YAML").click()
    expect(page.get_by_label("Template (YAML)")).to_contain_text("url: https://example.com/webinar")
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("Webinar track")
    expect(row.locator("td.num").last).to_have_text("2")  # steps
