"""The read models of the pages, for integrations: /api/v1/account-list,
/accounts/{id}/overview, /dashboard, /churn-reasons and /workload, checked against
hand-computed figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.app import create_api
from kasasu.api.context import ApiContext
from kasasu.domain.choices import (
    ActivityKind,
    BillingInterval,
    CancellationReason,
    SubscriptionStatus,
    TouchModel,
)
from kasasu.domain.periods import add_months
from kasasu.models import Account, Activity, CachedResult, Subscription
from tests.health.touch_data import DAY, add_workload_book, snapshot

TOKYO = ZoneInfo("Asia/Tokyo")


def _today() -> date:
    return datetime.now(TOKYO).date()


def _line(account_id: int, name: str, **values: object) -> Subscription:
    defaults = {"auto_renew": True, "status": SubscriptionStatus.ACTIVE}
    return Subscription(
        external_id=name,
        account_id=account_id,
        product="Core",
        billing_interval=BillingInterval.YEAR,
        **(defaults | values),
    )


def test_the_account_overview(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        account = Account(external_id="OV-1", name="概要株式会社", custom_fields={})
        s.add(account)
        s.flush()
        s.add(_line(account.id, "OV-L1", amount=1_200_000, currency="JPY",
                    start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)))  # fmt: skip
        called = datetime(2026, 11, 2, 1, tzinfo=UTC)
        s.add(Activity(external_id="OV-A1", account_id=account.id, kind=ActivityKind.NOTE,
                       subject="電話した", occurred_at=called))  # fmt: skip
        s.commit()
        account_id = account.id
    body = admin_api.get(f"/accounts/{account_id}/overview").json()
    assert body["account"]["name"] == "概要株式会社"
    assert body["health"] is None  # never scored
    assert [line["external_id"] for line in body["subscriptions"]] == ["OV-L1"]
    assert [a["subject"] for a in body["timeline"]] == ["電話した"]
    assert body["usage"] == []  # no events
    missing = admin_api.get("/accounts/999999/overview")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_the_workload(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    """The book of tests/health/touch_data.py, as the workload page shows it."""
    with sessions() as s:
        add_workload_book(s, _today())
        s.commit()
    body = admin_api.get("/workload").json()
    assert body["as_of"] == DAY.isoformat()
    aoki = next(o for o in body["owners"] if o["name"] == "Aoki")
    assert (aoki["cells"]["high"]["accounts"], aoki["cells"]["high"]["mrr"]) == (1, 400_000)
    assert (aoki["cells"]["high"]["open_tasks"], aoki["cells"]["high"]["overdue_tasks"]) == (2, 1)
    assert aoki["total"] == {"accounts": 3, "mrr": 430_000, "open_tasks": 3, "overdue_tasks": 1}


def test_the_account_list_with_the_pages_filters(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    """The book of tests/health/touch_data.py: W1 and W5 are high touch by the latest
    refresh, W2 is low touch by its own choice (the refresh said tech), W3 has neither."""
    with sessions() as s:
        ids = add_workload_book(s, _today())
        s.commit()
    high = admin_api.get("/account-list", params={"touch_model": "high", "sort": "-name"})
    assert high.status_code == 200, high.text
    body = high.json()
    assert [a["external_id"] for a in body["items"]] == ["W5", "W1"]
    assert body["total"] == 2
    assert body["items"][0]["health"]["mrr"] == 500_000
    assert body["items"][1]["owner_name"] == "Aoki"
    none = admin_api.get("/account-list", params={"touch_model": "none"}).json()
    assert [(a["external_id"], a["health"]) for a in none["items"]] == [("W3", None)]
    aoki = admin_api.get("/account-list", params={"owner_id": ids["Aoki"], "limit": 2}).json()
    assert (len(aoki["items"]), aoki["total"]) == (2, 3)
    rest = admin_api.get(
        "/account-list", params={"owner_id": ids["Aoki"], "cursor": aoki["next_cursor"]}
    ).json()
    assert [a["external_id"] for a in aoki["items"] + rest["items"]] == ["W1", "W2", "W3"]
    wrong = admin_api.get("/account-list", params={"renews": 45})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == "application/problem+json"


def test_churn_reasons_of_last_month(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    """Two accounts churned last month, with ¥30,000 (price) and ¥10,000 (support) of MRR."""
    last_month = add_months(_today().replace(day=1), -1)
    with sessions() as s:
        for name, amount, reason in (
            ("CH-1", 360_000, CancellationReason.PRICE),
            ("CH-2", 120_000, CancellationReason.SUPPORT_QUALITY),
        ):
            account = Account(external_id=name, name=name, custom_fields={})
            s.add(account)
            s.flush()
            s.add(_line(account.id, name, amount=amount, currency="JPY",
                        start_date=date(2025, 1, 1), end_date=last_month + timedelta(days=9),
                        status=SubscriptionStatus.CANCELLED, cancelled_on=last_month,
                        cancel_reason=reason))  # fmt: skip
        s.commit()
    body = admin_api.get("/churn-reasons", params={"by": "month"}).json()
    assert body["period"]["label"] == f"{last_month:%Y-%m}"
    assert (body["mrr"], body["logos"]) == (40_000, 2)
    assert [(r["reason"], r["mrr"], r["share"], r["cumulative"]) for r in body["pareto"]] == [
        ("price", 30_000, 0.75, 0.75),
        ("support_quality", 10_000, 0.25, 1.0),
    ]
    assert {c["account_name"] for c in body["cancelled"]} == {"CH-1", "CH-2"}


def test_the_dashboard_keeps_its_kpis_for_every_process_until_the_next_refresh(
    admin_api: TestClient, api_context: ApiContext, sessions: sessionmaker[Session]
) -> None:
    """Renewal tile by hand: ¥1,200,000 a year renews in 30 days = ¥100,000 of MRR. The KPIs
    are stored under the latest refresh day: a second server process (a second app on the
    same database) serves the stored ones; a refresh of a later day recomputes them."""
    today = _today()
    with sessions() as s:
        add_workload_book(s, today)  # scores of DAY: the latest refresh
        account = Account(external_id="DB-1", name="DB-1", custom_fields={})
        s.add(account)
        s.flush()
        start, end = today - timedelta(days=335), today + timedelta(days=30)
        s.add(_line(account.id, "DB-L1", amount=1_200_000, currency="JPY",
                    start_date=start, end_date=end))  # fmt: skip
        s.commit()
    first = admin_api.get("/dashboard").json()
    assert first["as_of"] == DAY.isoformat()
    assert (first["renewals"]["mrr"], first["renewals"]["total"]) == (100_000, 1)
    assert first["health"]["bands"] == {"green": 4}
    last = add_months(today.replace(day=1), -1)
    assert first["latest"]["mrr_movements"]["period"] == f"{last:%Y-%m}"
    assert first["latest"]["mrr_movements"]["value"] == 100_000
    with sessions() as s:
        stored = s.scalars(select(CachedResult).where(CachedResult.name == "dashboard")).one()
        assert stored.key.startswith(f"{DAY.isoformat()}|{last:%Y-%m}|JPY|")
        stored.payload = []  # what the other process must then serve: nothing recomputed
        # and the whole page it kept too, so that the other process builds it again
        s.execute(delete(CachedResult).where(CachedResult.name.like("dashboard-page:%")))
        s.commit()
    with TestClient(create_api(api_context), base_url="http://testserver") as other:
        headers = {"Authorization": admin_api.headers["Authorization"]}
        assert other.get("/dashboard", headers=headers).json()["kpis"] == {}
    with sessions() as s:  # a refresh of a later day
        snapshot(s, DAY + timedelta(days=1), account.id, TouchModel.LOW, 100_000)
        s.commit()
    again = admin_api.get("/dashboard").json()
    assert again["as_of"] == (DAY + timedelta(days=1)).isoformat()
    assert again["latest"]["mrr_movements"]["value"] == 100_000
