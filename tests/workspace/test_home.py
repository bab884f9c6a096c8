"""Home: a CSM's day and the team's, on the book of home_data.py (values by hand there)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from kasasu.domain.reporting import Reporting
from kasasu.models import Subscription
from kasasu.workspace.accounts import AccountListQuery, list_accounts
from kasasu.workspace.home import home
from tests.workspace.home_data import BEFORE, DAY, TODAY, add_home_book

REPORTING = Reporting(locale="ja", on=TODAY)


def test_a_csms_day(session: Session) -> None:
    ids = add_home_book(session)
    day = home(session, REPORTING, ids["Aoki"])
    assert (day.today, day.scored_on, day.compared_with) == (TODAY, DAY, BEFORE)
    assert day.due_by == date(2026, 2, 16)
    worse = day.worsened.items
    assert [a.name for a in worse] == ["株式会社H4", "株式会社H1", "株式会社H2", "株式会社H7"]
    assert day.worsened.total == 4
    h4, h1, h2, h7 = worse
    assert (h1.band, h1.band_before, h1.score, h1.mrr) == ("red", "green", 30.0, 100_000)
    assert h1.reason == "利用イベント（30 日）"
    assert h1.renewal_date == date(2026, 2, 28)
    assert h1.open_task
    assert h2.open_task
    assert not h7.open_task  # none on H7
    assert h4.band_before is None
    assert h4.open_task
    assert h7.band_before == "unknown"
    r30, r90 = day.renewals
    assert (r30.days, r30.total, r30.accounts, r30.mrr) == (30, 1, 1, 100_000)
    assert (r90.days, r90.total, r90.accounts, r90.mrr) == (90, 2, 2, 150_000)
    assert [r.account_name for r in day.upcoming] == ["株式会社H1", "株式会社H3"]
    assert [t.task.id for t in day.tasks.items] == [ids["T1"], ids["T2"]]
    assert day.tasks.total == 2
    assert [t.overdue for t in day.tasks.items] == [True, False]
    assert day.overdue == 2
    assert [t.task.id for t in day.playbook.items] == [ids["T5"]]
    assert [a.id for a in day.unhappy.items] == [ids["A1"], ids["A2"], ids["A3"]]
    assert day.unhappy.total == 3
    assert day.team == []  # one person's day has no team lines


def test_the_teams_day_by_csm(session: Session) -> None:
    ids = add_home_book(session)
    day = home(session, REPORTING, None)
    assert [a.name for a in day.worsened.items] == [
        "株式会社H4", "株式会社H1", "株式会社H5", "株式会社H2", "株式会社H7"
    ]  # fmt: skip
    r30, r90 = day.renewals
    assert (r30.total, r30.mrr) == (2, 300_000)
    assert (r90.total, r90.mrr) == (3, 350_000)
    assert day.overdue == 2
    assert day.unhappy.total == 4
    lines = {line.name: line for line in day.team}
    assert set(lines) == {"Aoki", "Baba"}  # the leader owns nothing
    aoki, baba = lines["Aoki"], lines["Baba"]
    assert (aoki.worsened, aoki.renewals_30, aoki.renewals_90, aoki.renewals_90_mrr) == (
        4, 1, 2, 150_000,
    )  # fmt: skip
    assert (aoki.overdue, aoki.due, aoki.playbook, aoki.unhappy) == (2, 2, 1, 3)
    assert (baba.worsened, baba.renewals_30, baba.renewals_90, baba.renewals_90_mrr) == (
        1, 1, 1, 200_000,
    )  # fmt: skip
    assert (baba.overdue, baba.due, baba.playbook, baba.unhappy) == (0, 1, 0, 1)
    assert aoki.owner_id == ids["Aoki"]


def test_the_list_behind_worsened_health(session: Session) -> None:
    """The home page's link: the accounts list filtered to bands worse than on BEFORE."""
    ids = add_home_book(session)
    query = AccountListQuery(worse_than_on=BEFORE, owner_id=ids["Aoki"])
    page = list_accounts(session, query, TODAY)
    assert sorted(a.name for a in page.items) == [
        "株式会社H1", "株式会社H2", "株式会社H4", "株式会社H7"
    ]  # fmt: skip
    assert page.total == 4
    everyone = list_accounts(session, AccountListQuery(worse_than_on=BEFORE), TODAY)
    assert everyone.total == 5


def test_home_before_any_refresh(session: Session) -> None:
    """No refresh yet: nothing to compare, so no account is said to have worsened."""
    day = home(session, REPORTING, None)
    assert day.scored_on is None
    assert day.compared_with is None
    assert day.worsened.total == 0
    assert day.worsened.items == []


def test_the_api_home(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        ids = add_home_book(s)
        s.commit()
    mine = admin_api.get("/home", params={"owner_id": ids["Baba"]})
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert [a["name"] for a in body["worsened"]["items"]] == ["株式会社H5"]
    assert body["team"] == []
    team = admin_api.get("/home").json()
    assert {line["name"] for line in team["team"]} == {"Aoki", "Baba"}
    assert team["worsened"]["total"] == 5
    assert admin_api.get("/home", params={"owner_id": 0}).status_code == 422


def test_a_line_without_an_exchange_rate_is_counted_and_shown_apart(session: Session) -> None:
    """A yearly USD line of H2 (Aoki's) ending 2026-03-05, $1,200.00 a year: $100.00 MRR
    (10,000 cents), no USD→JPY rate. It counts as a renewal in both windows; its MRR is not
    added to the yen total but reported apart, per window."""
    ids = add_home_book(session)
    session.add(
        Subscription(
            external_id="S-H2-USD",
            account_id=ids["H2"],
            product="Kasasu",
            plan="pro",
            amount=120_000,
            currency="USD",
            billing_interval=BillingInterval.YEAR,
            start_date=date(2025, 3, 6),
            end_date=date(2026, 3, 5),
            term_months=12,
            status=SubscriptionStatus.ACTIVE,
        )
    )
    session.flush()
    r30, r90 = home(session, REPORTING, ids["Aoki"]).renewals
    assert (r30.total, r30.accounts, r30.mrr, r30.missing_rates) == (2, 2, 100_000, {"USD": 10_000})
    assert (r90.total, r90.accounts, r90.mrr, r90.missing_rates) == (3, 3, 150_000, {"USD": 10_000})
