"""Every page of the workspace in a real browser, in Japanese and in English: axe-core finds
no serious or critical accessibility violation, the visible text speaks one language, and
the Content-Security-Policy (security review F13) carries its nonce and blocks nothing (the
``page`` fixture fails the test on any CSP report or script error).

The pages: every page of the navigation, and one of each page reached from them (an
account, a segment, a playbook with its dry run, a survey with its send page, a need, a
KPI, the playbooks' log; the onboarding templates, with the form of one and of a new one).
Language: on a Japanese page no English message of the catalogue shows, on an English page
no Japanese one; data (names, comments) is not in the catalogue, and code, YAML and form
values are left out. axe-core's JavaScript comes from the axe-playwright-python wheel:
nothing is downloaded.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from kasasu.domain.choices import Role
from kasasu.web.navigation import pages_for
from tests.kit.test_i18n import _catalog
from tests.web.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, submit_sign_in

# Its own group: the other worker runs it, beside the journeys, on a demo of its own.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-pages")]

MENU = [p.href for p in pages_for(Role.ADMIN)]
# A page reached from each of these: the first link on it that matches.
BELOW = {
    "/accounts?band=red": r"^/accounts/\d+$",
    "/segments": r"^/segments/[^/]+$",
    "/playbooks": r"^/playbooks/(?!log)[^/?]+$",
    "/surveys": r"^/surveys/[^/]+$",
    "/needs": r"^/needs/\d+$",
    "/dashboard": r"^/metrics/",
    "/kpis": r"^/kpis/[a-z_]+$",
}
# The onboarding templates (YAML) and the form of one and of a new one.
TEMPLATE_PAGES = [
    "/onboarding/templates",
    "/onboarding/templates/standard/form",
    "/onboarding/new-template",
]
SERIOUS = {"serious", "critical"}
# The visible text nodes, without code, YAML, form fields or what is marked not to be
# translated; each with whether it sits in a table cell, list item or quote (where data is).
VISIBLE_TEXT = """() => {
  const skip = "code, pre, textarea, script, style, select, [translate=no], .sr-only";
  const data = "td, li, blockquote, q";
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    const text = node.textContent.trim();
    if (text) out.push([text, parent.closest(data) !== null]);
  }
  return out;
}"""
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")


def _fragments(text: str) -> list[str]:
    """The literal parts of a message between its placeholders."""
    return [lit.strip(" ,.:;()（）「」") for lit, *_ in string.Formatter().parse(text) if lit]


@cache
def _english() -> tuple[list[re.Pattern[str]], dict[str, str]]:
    """English messages a Japanese page must not show (those translated to something
    else): fragments of two words or more anywhere, and any message (a single word such as
    "New" or a raw key such as "green") as a whole text node, whatever its case, except
    abbreviations that Japanese pages use as they are (MRR, ID)."""
    phrases, labels = set(), {}
    for msgid, msgstr in _catalog().items():
        if not msgstr or msgstr == msgid or JAPANESE.search(msgid):
            continue
        if WORD.search(msgid) and "{" not in msgid and not msgid.isupper():
            labels[msgid.lower()] = msgid
        for part in _fragments(msgid):
            if len(WORD.findall(part)) >= 2:
                phrases.add(part)
    patterns = [re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])") for p in sorted(phrases)]
    return patterns, labels


@cache
def _japanese() -> list[str]:
    """Japanese messages an English page must not show: three characters or more."""
    found = set()
    for msgid, msgstr in _catalog().items():
        if msgstr == msgid:
            continue
        for part in _fragments(msgstr):
            if len(JAPANESE.findall(part)) >= 3:
                found.add(part)
    return sorted(found)


def _wrong_language(nodes: list[tuple[str, bool]], locale: str) -> list[str]:
    """What shows in the other language. On an English page, Japanese in table cells, list
    items and quotes is data (the demo company is Japanese), so only the rest is read."""
    if locale.startswith("ja"):
        patterns, labels = _english()
        text = "\n".join(t for t, _in_data in nodes)
        found = {m.group(0) for p in patterns for m in p.finditer(text)}
        japanese = set(_catalog().values())  # "ID" is the translation of "Id"
        found |= {t for t, _in_data in nodes if t.lower() in labels and t not in japanese}
        return sorted(found)
    text = "\n".join(t for t, in_data in nodes if not in_data)
    return [p for p in _japanese() if p in text]


def _pages(page: Page) -> list[str]:
    found = [*MENU, "/playbooks/log", *TEMPLATE_PAGES]
    for listing, pattern in BELOW.items():
        page.goto(listing)
        hrefs = page.locator("main a[href]").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        first = next((h for h in hrefs if re.match(pattern, h)), None)
        assert first, f"{listing} links to a page matching {pattern}"
        found.append(first)
        if first.startswith("/playbooks/"):
            found.append(f"{first}/dry-run")
        if first.startswith("/surveys/"):
            found.append(f"{first}/send")
    return found


@pytest.mark.parametrize(
    ("locale", "button"), [("ja-JP", "サインイン"), ("en-US", "Sign in")], ids=["ja", "en"]
)
def test_every_page_is_accessible_and_in_one_language(page: Page, locale: str, button: str) -> None:
    page.goto("/login")
    submit_sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, button)
    axe = Axe()
    violations: dict[str, list[str]] = {}
    wrong: dict[str, list[str]] = {}
    for path in _pages(page):
        answer = page.goto(path)
        assert answer is not None, path
        assert answer.ok, f"{path}: {answer.status}"
        assert "nonce-" in answer.headers["content-security-policy"], path
        # No page loads anything after its load event (no htmx on load, no fetch): goto
        # waited for it, so the page is whole.
        results = axe.run(page).response
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in results["violations"]
            if v["impact"] in SERIOUS
        ]
        if serious:
            violations[path] = serious
        if found := _wrong_language(page.evaluate(VISIBLE_TEXT), locale):
            wrong[path] = found
    report = Path("test-results") / f"every-page-{locale}.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        json.dumps({"axe": violations, "language": wrong}, ensure_ascii=False, indent=1)
    )
    assert violations == {}
    assert wrong == {}
