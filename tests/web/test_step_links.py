"""A step's links (guides, articles, webinars) where steps are listed: the account page, the
onboarding board and the customer's shared plan; opened in a new tab, and only a web address
made a link (a stored ``javascript:`` address shows its title alone)."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import OnboardingTemplate, OnboardingTemplateVersion
from kasasu.onboarding.templates import parse_template, save_template
from kasasu.web.render import web_url
from tests.onboarding.world import account_on_contract
from tests.web.conftest import SignIn, csrf

GUIDED = """
name: guided
title: Guided
priority: 1
stages:
  - title: Start
    steps:
      - key: kickoff
        title: Kick-off
        due_days: 7
        links:
          - {title: {ja: 導入ガイド, en: Getting-started guide}, url: "https://help.example.com/start"}
      - key: setup
        title: Set-up
        side: customer
        due_days: 14
        links:
          - {title: Set-up webinar, url: "https://webinar.example.com/setup"}
"""
SNEAKY = {"title": "Sneaky", "url": "javascript:alert(1)"}
NEW_TAB = 'target="_blank" rel="noopener noreferrer"'


def _add_a_script_link(sessions: sessionmaker[Session]) -> None:
    """A ``javascript:`` link written into each step of the stored version around the
    checks (as a version stored before links were checked could hold)."""
    with sessions() as s:
        version = s.scalars(
            select(OnboardingTemplateVersion)
            .join(OnboardingTemplate)
            .where(OnboardingTemplate.name == "guided")
        ).one()
        definition = copy.deepcopy(version.definition)
        for step in definition["stages"][0]["steps"]:
            step["links"] = [*step["links"], SNEAKY]
        version.definition = definition
        s.commit()


def test_links_show_where_steps_are_listed_and_only_web_addresses_are_links(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        save_template(s, parse_template(GUIDED, "guided.yaml"))
        account = account_on_contract(s, "釧路物産", "Standard", date(2026, 11, 1))
        s.commit()
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{account}?lang=en").text
    started = web.post(f"/accounts/{account}/onboarding", data={"csrf_token": csrf(page)})
    assert started.status_code == 303
    _add_a_script_link(sessions)

    page = web.get(f"/accounts/{account}?lang=en").text
    card = page[page.index('id="onboarding"') :]
    assert f'<a href="https://help.example.com/start" {NEW_TAB}>Getting-started guide' in card
    assert f'<a href="https://webinar.example.com/setup" {NEW_TAB}>Set-up webinar' in card
    assert card.count("<li>Sneaky</li>") == 2  # its title, not a link
    assert "javascript:" not in page
    assert "導入ガイド" in web.get(f"/accounts/{account}?lang=ja").text

    board = web.get("/onboarding?lang=en").text
    row = re.search(r"釧路物産</a>.*?</tr>", board, re.DOTALL)
    assert row is not None  # the next step, the kick-off, with its links
    assert f'<a href="https://help.example.com/start" {NEW_TAB}>Getting-started guide' in row[0]
    funnel = board[board.index("Step funnel") :]
    assert f'<a href="https://webinar.example.com/setup" {NEW_TAB}>' in funnel
    assert "javascript:" not in board

    shown = web.post(
        f"/accounts/{account}/plan-links",
        data={"csrf_token": csrf(page), "locale": "en", "days": "7"},
    )
    url = re.search(r'value="http[^"]+(/p/[^"]+)"', shown.text)
    assert url is not None
    customer = TestClient(web.app).get(url[1]).text
    # The customer's own step with its link; the CS team's kick-off stays out.
    assert f'<a href="https://webinar.example.com/setup" {NEW_TAB}>Set-up webinar' in customer
    assert "Getting-started guide" not in customer
    assert "<li>Sneaky</li>" in customer
    assert "javascript:" not in customer


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://help.example.com/a?b=c#d", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<b>hi</b>", False),
        ("//example.com/path", False),
        ("https:example.com", False),
        ("http://[::1", False),
        ("https://exa mple.com", False),
    ],
)
def test_only_a_web_address_is_a_link(url: str, link: bool) -> None:
    assert web_url(url) is link
