"""The home page: a leader's team by CSM, one CSM's day, in Japanese and English."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kasasu.domain.choices import Role
from tests.web.conftest import SignIn


def test_a_csm_lands_on_their_day_and_a_leader_on_the_team(
    web: TestClient, sign_in: SignIn, home_book: dict[str, int]
) -> None:
    ids = home_book
    sign_in(Role.LEADER)
    page = web.get("/?lang=ja").text
    assert "<h1>ホーム</h1>" in page
    assert "株式会社H5" in page  # Baba's account: the team's day
    assert f'href="/?owner_id={ids["Aoki"]}"' in page  # a line per CSM
    assert 'href="/dashboard"' in page  # the finance dashboard, one click away
    one = web.get(f"/?owner_id={ids['Aoki']}&lang=en").text
    assert "<h1>Home</h1>" in one
    assert "株式会社H1" in one
    assert "株式会社H5" not in one


def test_a_csm_starts_on_their_own_day(
    web: TestClient, sign_in: SignIn, home_book: dict[str, int]
) -> None:
    me = sign_in(Role.CSM)
    page = web.get("/?lang=ja").text
    assert f'<option value="{me}" selected>' in page
    assert "株式会社H1" not in page  # Aoki's accounts: not this CSM's
