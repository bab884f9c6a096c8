"""The customer's success plan on the account page, and the read-only link that shares it:
in the customer's language, the customer's steps only, and gone once revoked or expired."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import PlanLink
from tests.onboarding.world import account_on_contract
from tests.web.conftest import SignIn, csrf


def test_goals_are_recorded_moved_and_shared_until_revoked(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        account = account_on_contract(s, "函館商事", "Standard", date(2026, 11, 1))
        s.commit()
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{account}?lang=ja").text
    assert "導入目的はまだ登録されていません" in page
    for objective, title, day in (
        ("問い合わせ対応の工数削減", "一次回答時間を4時間以内に", "2027-03-31"),
        ("問い合わせ対応の工数削減", "FAQの自己解決率50%", ""),
        ("解約率の改善", "月次解約率1%未満", "2027-06-30"),
    ):
        made = web.post(
            f"/accounts/{account}/goals",
            data={"csrf_token": csrf(page), "objective": objective, "title": title,
                  "target_date": day},
        )  # fmt: skip
        assert made.status_code == 303
    page = web.get(f"/accounts/{account}?lang=en").text
    card = page[page.index('id="success-plan"') :]
    # Two objectives, in the order first written, the first with its two goals.
    assert card.index("問い合わせ対応の工数削減") < card.index("解約率の改善")
    assert "March 31, 2027" in card
    goal = re.search(r'action="/goals/(\d+)/status"', card)
    assert goal is not None
    web.post(f"/goals/{goal[1]}/status", data={"csrf_token": csrf(page), "status": "achieved"})
    page = web.get(f"/accounts/{account}?lang=en").text
    assert '<option value="achieved" selected>Achieved</option>' in page

    # A link for the customer, in Japanese for 30 days; shown once.
    shown = web.post(
        f"/accounts/{account}/plan-links",
        data={"csrf_token": csrf(page), "locale": "ja", "days": "30"},
    )
    assert shown.status_code == 200
    url = re.search(r'value="(http[^"]+/p/[^"]+)"', shown.text)
    assert url is not None
    path = url[1][url[1].index("/p/") :]
    assert len(path) > 40  # 256 random bits
    anyone = TestClient(web.app)  # the customer is not signed in
    customer = anyone.get(path)
    assert customer.status_code == 200
    assert "函館商事 様のサクセスプラン" in customer.text
    assert "一次回答時間を4時間以内に" in customer.text
    assert "達成" in customer.text  # the goal's status, in Japanese
    # The customer's steps of the standard plan would show here; this account has no plan.
    assert anyone.get(path[:-2] + "xx").status_code == 404

    page = web.get(f"/accounts/{account}?lang=en").text
    link = re.search(r'action="/plan-links/(\d+)/revoke"', page)
    assert link is not None
    web.post(f"/plan-links/{link[1]}/revoke", data={"csrf_token": csrf(page)})
    gone = anyone.get(path)
    assert gone.status_code == 404
    assert "This link is not valid" in gone.text or "このリンクは無効です" in gone.text


def test_an_expired_link_opens_nothing(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        account = account_on_contract(s, "釧路水産", "Standard", date(2026, 11, 1))
        s.commit()
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{account}").text
    shown = web.post(
        f"/accounts/{account}/plan-links",
        data={"csrf_token": csrf(page), "locale": "en", "days": "7"},
    )
    path = re.search(r'value="http[^"]+(/p/[^"]+)"', shown.text)
    assert path is not None
    assert web.get(path[1]).status_code == 200
    with sessions() as s:
        s.execute(update(PlanLink).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        s.commit()
    assert web.get(path[1]).status_code == 404
