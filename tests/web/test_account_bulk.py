"""The accounts list sorted by what the refresh knows, paged both ways, and acted on in bulk
(the book of tests/workspace/home_data.py: H1 has MRR ¥100,000, H2–H7 ¥10,000; red on the
latest day: H1, H4, H5)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import ContactRole, Role, SurveyKind, TaskSource
from kasasu.models import (
    Account,
    Contact,
    Onboarding,
    PlaybookRun,
    SurveyCampaign,
    SurveyInvitation,
    Task,
)
from kasasu.playbooks.definitions import ensure_default_playbooks
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


def _red_contacts(sessions: sessionmaker[Session], ids: dict[str, int]) -> None:
    """H1: a champion and a user; H4: only a user; H5: nobody with an email."""
    with sessions() as s:
        people = [
            ("C1", "H1", ContactRole.CHAMPION, "c1@h1.jp"),
            ("C2", "H1", ContactRole.USER, "c2@h1.jp"),
            ("C3", "H4", ContactRole.USER, "c3@h4.jp"),
            ("C4", "H5", ContactRole.CHAMPION, None),
        ]
        for ext, account, role, email in people:
            s.add(
                Contact(external_id=ext, account_id=ids[account], name=ext, role=role, email=email)
            )
        s.commit()


def test_invite_the_key_contacts_of_every_red_account(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    """H1: a champion and a user (the champion is asked); H4: only a user (asked); H5:
    nobody with an email (skipped). Twice: nobody is invited twice."""
    _red_contacts(sessions, home_book)
    sign_in(Role.LEADER)
    page = web.get("/accounts?mine=0&band=red&lang=en").text
    form = {"csrf_token": csrf(page), "query": "mine=0&band=red", "scope": "all",
            "kind": "survey", "survey_kind": "nps"}  # fmt: skip
    review = web.post("/accounts/bulk", data=form)
    assert "Invite the key contacts of 3 accounts to the next NPS survey" in review.text
    for _ in range(2):
        done = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    assert done.headers["location"].endswith("done=0")  # the second time: all waiting already
    with sessions() as s:
        waiting = (
            s.execute(
                select(Contact.external_id).join(
                    SurveyInvitation, SurveyInvitation.contact_id == Contact.id
                )
            )
            .scalars()
            .all()
        )
    assert sorted(waiting) == ["C1", "C3"]


def test_add_the_key_contacts_of_every_red_account_to_a_named_campaign(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    """The champion of H1 and the only contact of H4 join the draft campaign's invitations
    (sent with it); twice adds nobody; a closed campaign refuses."""
    _red_contacts(sessions, home_book)
    with sessions() as s:
        for name, status in (("q4-nps", "draft"), ("old-nps", "closed")):
            s.add(SurveyCampaign(name=name, public_id=f"p-{name}", kind=SurveyKind.NPS,
                                 status=status, throttle_days=30, expires_days=14))  # fmt: skip
        s.commit()
    sign_in(Role.LEADER)
    page = web.get("/accounts?mine=0&band=red&lang=en").text
    assert '<option value="q4-nps">q4-nps (NPS)</option>' in page
    assert "old-nps" not in page  # closed: nothing can join it
    form = {"csrf_token": csrf(page), "query": "mine=0&band=red", "scope": "all",
            "kind": "campaign", "campaign": "q4-nps"}  # fmt: skip
    review = web.post("/accounts/bulk", data=form)
    assert "Add the key contacts of 3 accounts to the survey campaign q4-nps" in review.text
    first = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    again = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    assert first.headers["location"].endswith("done=2")  # H1 and H4; H5 has no email
    assert again.headers["location"].endswith("done=0")
    with sessions() as s:
        invited = s.execute(
            select(Contact.external_id, SurveyInvitation.status, SurveyCampaign.name)
            .join(SurveyInvitation, SurveyInvitation.contact_id == Contact.id)
            .join(SurveyCampaign, SurveyCampaign.id == SurveyInvitation.campaign_id)
        ).all()
    assert sorted(invited) == [("C1", "pending", "q4-nps"), ("C3", "pending", "q4-nps")]
    closed = web.post("/accounts/bulk", data={**form, "campaign": "old-nps", "confirm": "1"})
    assert closed.status_code == 409


def test_start_a_playbook_on_each_ticked_account(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    ids = home_book
    with sessions() as s:
        ensure_default_playbooks(s)
        s.commit()
    sign_in(Role.LEADER)
    page = web.get("/accounts?mine=0&lang=en").text
    assert '<option value="usage-drop">Usage drop</option>' in page
    form = {"csrf_token": csrf(page), "query": "mine=0", "scope": "selected", "kind": "playbook",
            "playbook": "usage-drop", "account_id": [str(ids["H2"]), str(ids["H5"])]}  # fmt: skip
    assert (
        "Start the playbook usage-drop on 2 accounts now"
        in web.post("/accounts/bulk", data=form).text
    )
    assert web.post("/accounts/bulk", data={**form, "confirm": "1"}).status_code == 303
    with sessions() as s:
        runs = sorted(s.scalars(select(PlaybookRun.account_id)).all())
    assert runs == sorted([ids["H2"], ids["H5"]])


def test_start_the_onboarding_plan_of_every_red_account_once(
    web: TestClient,
    sign_in: SignIn,
    home_book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    ids = home_book
    sign_in(Role.LEADER)
    page = web.get("/accounts?mine=0&band=red&lang=en").text
    form = {"csrf_token": csrf(page), "query": "mine=0&band=red", "scope": "all",
            "kind": "onboarding", "template": ""}  # fmt: skip
    review = web.post("/accounts/bulk", data=form)
    assert "Start the onboarding plan that applies on those of 3 accounts" in review.text
    done = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    assert done.headers["location"].endswith("done=3")
    with sessions() as s:
        plans = {p.account_id for p in s.scalars(select(Onboarding))}
        assert plans == {ids["H1"], ids["H4"], ids["H5"]}
        # The standard plan's CS-team steps (kick-off, review) are tasks for H1's CSM.
        h1_tasks = s.scalars(
            select(Task).where(Task.account_id == ids["H1"], Task.source == TaskSource.ONBOARDING)
        ).all()
        assert sorted(t.owner_id or 0 for t in h1_tasks) == [ids["Aoki"], ids["Aoki"]]
    again = web.post("/accounts/bulk", data={**form, "confirm": "1"})
    assert again.headers["location"].endswith("done=0")  # each has its plan already
