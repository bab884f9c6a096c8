"""The renewal board and renewal outcomes through /api/v1/renewals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from kasasu.models import Account, Subscription


def test_board_and_an_expansion(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    end = today + timedelta(days=20)
    with sessions() as s:
        account = Account(external_id="API-R", name="更新API", custom_fields={})
        s.add(account)
        s.flush()
        line = Subscription(
            external_id="API-R1", account_id=account.id, product="Core", amount=1_200_000,
            currency="JPY", billing_interval=BillingInterval.YEAR, start_date=end - timedelta(
                days=364), end_date=end, auto_renew=True, status=SubscriptionStatus.ACTIVE,
        )  # fmt: skip
        s.add(line)
        s.commit()
        line_id = line.id
    board = admin_api.get("/renewals", params={"to": (today + timedelta(days=30)).isoformat()})
    assert board.status_code == 200, board.text
    body = board.json()
    assert (body["total"], body["mrr"], body["decided"]) == (1, 100_000, 0)
    [row] = body["rows"]
    assert (row["subscription_id"], row["renewal_date"], row["outcome"]) == (
        line_id,
        end.isoformat(),
        None,
    )
    bad = admin_api.post(
        "/renewals",
        json={"subscription_id": line_id, "renewal_date": end.isoformat(), "outcome": "expanded"},
    )
    assert bad.status_code == 422
    assert "amount" in bad.text
    done = admin_api.post(
        "/renewals",
        json={
            "subscription_id": line_id,
            "renewal_date": end.isoformat(),
            "outcome": "expanded",
            "amount": 1_440_000,
        },
    )
    assert done.status_code == 200, done.text
    assert done.json()["new_subscription_id"] is not None
    after = admin_api.get("/renewals", params={"decided": "true"}).json()
    assert [(r["subscription_id"], r["outcome"]) for r in after["rows"]] == [(line_id, "expanded")]
