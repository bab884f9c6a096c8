"""The must-show journey of in-app guides (issue 17): in Kasasu a CS person authors a
three-step walkthrough by picking the elements on the sample product's own page, targets a
segment and publishes it; a user of an account in that segment opens the product, sees it
and walks it to the end; a user of another account does not see it; the completion arrives
as usage events, ticks the account's onboarding step and shows in the guide report."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from benchmarks.serving import free_port
from playwright.sync_api import Page, expect

from tests.support.cli import kasasu
from tests.web.browser.conftest import Screenshot, sign_in
from tests.web.browser.test_sdk import _events, _product_on

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
GUIDE = "picked-report-tour"
TEMPLATE = """
name: guided-start
title: {ja: ガイド付き導入, en: Guided start}
priority: 5000
stages:
  - title: {ja: はじめに, en: First steps}
    steps:
      - key: tour
        title: {ja: 使い方ツアー, en: Take the tour}
        side: customer
        due_days: 7
        completion_event: guide_completed:picked-report-tour
"""


def _accounts(data: Path) -> tuple[str, str, str]:
    """A segment; an account in it, its demo onboarding plan removed (it gets the guided
    one); an account outside it."""
    with sqlite3.connect(data / "kasasu.db") as db:
        segment, inside, account_id = db.execute(
            "SELECT s.name, a.external_id, a.id FROM segment_members m JOIN segments s ON "
            "s.id = m.segment_id JOIN accounts a ON a.id = m.account_id WHERE m.left_on IS "
            "NULL AND s.name = 'quiet-users' ORDER BY a.id LIMIT 1"
        ).fetchone()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM onboardings WHERE account_id = ?", [account_id])
        (outside,) = db.execute(
            "SELECT external_id FROM accounts WHERE id NOT IN (SELECT m.account_id FROM "
            "segment_members m JOIN segments s ON s.id = m.segment_id WHERE s.name = ? AND "
            "m.left_on IS NULL) ORDER BY id LIMIT 1",
            [segment],
        ).fetchone()
    return str(segment), str(inside), str(outside)


def _step_done(data: Path, account: str) -> bool:
    with sqlite3.connect(data / "kasasu.db") as db:
        row = db.execute(
            "SELECT m.done_at FROM milestones m JOIN accounts a ON a.id = m.account_id "
            "WHERE a.external_id = ? AND m.step_key = 'tour'",
            [account],
        ).fetchone()
    return row is not None and row[0] is not None


def test_a_walkthrough_authored_by_picking_reaches_its_segment_only(
    page: Page, server: str, demo_data: Path, tmp_path: Path, screenshot: Screenshot
) -> None:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    made = kasasu(demo_data, "sdk", "create", f"guides-{port}", "--origin", origin)
    assert made.returncode == 0, made.stderr
    key = re.search(r"(pk_\S+)", made.stdout)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made.stdout)
    assert key is not None
    assert secret is not None
    segment, inside, outside = _accounts(demo_data)
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    loaded = kasasu(demo_data, "onboarding", "load", str(tmp_path / "template.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    started = kasasu(demo_data, "onboarding", "start", inside, "--template", "guided-start")
    assert started.returncode == 0, started.stderr

    with _product_on((key[1], secret[1], port), server, secret[1], inside) as product:
        sign_in(page)
        page.goto("/guides/new")
        page.get_by_label("Name", exact=True).fill("First report tour")
        page.get_by_label(re.compile("^Key")).fill(GUIDE)
        page.get_by_label("SDK environment").select_option(f"guides-{port}")
        page.get_by_label("The product's page to pick elements on").fill(product + "/")
        titles = ["Create your first report", "Invite a colleague", "Open the settings"]
        for index, element in enumerate(["#create-report", "#invite-user", "#open-settings"]):
            if index:
                page.get_by_role("button", name="Add a step").click()
                expect(page.locator(f"#step-{index}")).to_be_visible()
                page.wait_for_load_state()  # the picker's script has run
            with page.expect_popup() as opened:
                page.locator(f"#step-{index} [data-pick]").click()
            picker = opened.value
            expect(picker.get_by_text("Kasasu: click the element")).to_be_visible()
            picker.locator(element).click()
            expect(page.locator(f"#step-{index}-selector")).to_have_value(element)
            picker.close()
            page.locator(f"#step-{index}-title-en").fill(titles[index])
        page.get_by_label(segment, exact=True).check()
        screenshot("editor")
        page.get_by_role("button", name="Save and publish").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Live, version 1")

        # A user of the targeted account sees it and walks it to the end.
        page.goto(f"{product}/?account={inside}&user=u-1")
        for index, title in enumerate(titles):
            dialog = page.get_by_role("dialog")
            expect(dialog).to_contain_text(title)
            expect(dialog).to_contain_text(f"{index + 1} / 3")
            if index == 0:
                screenshot("walkthrough")
            dialog.get_by_role("button", name="Done" if index == 2 else "Next").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        page.evaluate("kasasu.flush()")
        for _ in range(100):
            if _events(demo_data, inside, "guide_completed") and _step_done(demo_data, inside):
                break
            page.wait_for_timeout(100)  # the browser's requests wait for this process
        assert _events(demo_data, inside, "guide_completed") == [("u-1",)]
        assert _step_done(demo_data, inside)

        # A user of another account: asked, and shown nothing.
        with page.expect_response(lambda r: r.url.endswith("/api/v1/sdk/guides")) as asked:
            page.goto(f"{product}/?account={outside}&user=u-9")
        assert asked.value.json()["guides"] == []
        page.wait_for_timeout(500)
        expect(page.get_by_role("dialog")).to_have_count(0)

    page.goto(f"/guides/{GUIDE}/report")
    reach = page.locator("#guide-reach")
    expect(reach).to_contain_text("Users shown1")
    expect(reach).to_contain_text("Completed1")
    expect(page.locator("#guide-steps tbody tr")).to_have_count(3)
    screenshot("report")


def test_a_page_from_an_origin_not_listed_gets_no_guides(
    page: Page, server: str, demo_data: Path
) -> None:
    listed, other = free_port(), free_port()
    made = kasasu(demo_data, "sdk", "create", f"elsewhere-{listed}", "--origin",
                  f"http://127.0.0.1:{listed}")  # fmt: skip
    key = re.search(r"(pk_\S+)", made.stdout)
    secret = re.search(r"shown once\): ([0-9a-f]{64})", made.stdout)
    assert key is not None
    assert secret is not None
    # The right key and a good signature, served from a port the environment does not list:
    # Kasasu refuses the preflight, so the browser never sends the question.
    with _product_on((key[1], secret[1], other), server, secret[1], "ACC-00001") as product:
        with page.expect_event(
            "requestfailed", lambda r: r.url.endswith("/api/v1/sdk/guides")
        ) as failed:
            page.goto(product)
        page.wait_for_timeout(500)
    assert failed.value.method == "POST"
    expect(page.get_by_role("dialog")).to_have_count(0)
