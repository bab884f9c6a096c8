"""The accounts list sorted by what the refresh knows, paged both ways, and acted on in bulk
(the book of tests/workspace/home_data.py: H1 has MRR ¥100,000, H2–H7 ¥10,000; red on the
latest day: H1, H4, H5)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role, TaskSource
from kasasu.models import Account, Task
from tests.web.conftest import SignIn, csrf


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/accounts/\d+">(株式会社H\d)</a>', html)


def test_sorted_by_mrr_and_paged_both_ways(
    web: TestClient, sign_in: SignIn, home_book: dict[str, int]
) -> None:
    sign_in(Role.LEADER)
    first = web.get("/accounts?mine=0&sort=-mrr&limit=3&lang=en").text
    # MRR highest first; equal MRR: the newest id first (H7, H6… after H1).
    assert _names(first) == ["株式会社H1", "株式会社H7", "株式会社H6"]
    assert 'aria-sort="descending"' in first
    assert "Previous page" not in first
    following = re.search(r'href="(/accounts\?[^"]*cursor=[^"]+)">Next page', first)
    assert following
    second = web.get(following.group(1).replace("&amp;", "&")).text
    assert _names(second) == ["株式会社H5", "株式会社H4", "株式会社H3"]
    back = re.search(r'href="(/accounts\?[^"]*cursor=[^"]+)">← Previous page', second)
    assert back
    assert _names(web.get(back.group(1).replace("&amp;", "&")).text) == _names(first)
    by_health = web.get("/accounts?mine=0&sort=health&lang=en").text
    assert _names(by_health)[:3] == ["株式会社H4", "株式会社H1", "株式会社H5"]  # 20, 30, 35


def test_assign_every_red_account_after_a_confirmation(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    ids = home_book
    sign_in(Role.LEADER)
    page = web.get("/accounts?mine=0&band=red&lang=en").text
    form = {"csrf_token": csrf(page), "query": "mine=0&band=red", "scope": "all",
            "kind": "owner", "owner_id": str(ids["Baba"])}  # fmt: skip
    review = web.post("/accounts/bulk", data=form)
    assert review.status_code == 200
    assert "Assign 3 accounts to Baba." in review.text
    with sessions() as s:  # nothing written before the confirmation
        assert s.get(Account, ids["H1"]).owner_id == ids["Aoki"]  # type: ignore[union-attr]
    done = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    assert done.status_code == 303
    assert done.headers["location"].endswith("done=3")
    with sessions() as s:
        owners = dict(s.execute(select(Account.external_id, Account.owner_id)).all())
    assert {k for k, v in owners.items() if v == ids["Baba"]} == {"H1", "H4", "H5"}
    assert owners["H2"] == ids["Aoki"]


def test_a_task_on_each_ticked_account_goes_to_its_csm(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    ids = home_book
    sign_in(Role.LEADER)
    token = csrf(web.get("/accounts?mine=0").text)
    form = {"csrf_token": token, "query": "mine=0", "scope": "selected", "kind": "task",
            "title": "更新前の確認", "due_date": "2026-03-01",
            "account_id": [str(ids["H2"]), str(ids["H5"])], "confirm": "1"}  # fmt: skip
    assert web.post("/accounts/bulk", data=form).status_code == 303
    with sessions() as s:
        made = s.scalars(select(Task).where(Task.title == "更新前の確認")).all()
        got = sorted((t.account_id, t.owner_id, str(t.due_date), t.source) for t in made)
    assert got == sorted([
        (ids["H2"], ids["Aoki"], "2026-03-01", TaskSource.MANUAL),
        (ids["H5"], ids["Baba"], "2026-03-01", TaskSource.MANUAL),
    ])  # fmt: skip


def test_a_viewer_may_not_act_in_bulk_and_an_owner_is_required(
    web: TestClient, sign_in: SignIn, home_book: dict[str, int]
) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/accounts?mine=0").text)
    missing = web.post("/accounts/bulk", data={"csrf_token": token, "kind": "owner",
                                               "scope": "all", "query": "mine=0"})  # fmt: skip
    assert missing.status_code == 400
    assert "Choose whom to assign the accounts to" in missing.text
    sign_in(Role.VIEWER)
    token = csrf(web.get("/accounts?mine=0").text)
    refused = web.post("/accounts/bulk", data={"csrf_token": token, "kind": "touch_model",
                                               "scope": "all", "query": "mine=0"})  # fmt: skip
    assert refused.status_code == 403
