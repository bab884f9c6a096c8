"""Leads and deals through the API (created, refused with the field named), and the funnel's
answer on tests/analytics/golden_funnel.py, observed on 2026-03-01 (figures by hand in
tests/analytics/test_funnel_kpis.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.domain.reporting import Reporting
from tests.analytics.golden_funnel import add_funnel

TODAY = date(2026, 3, 1)


@pytest.fixture
def api_context(sessions: sessionmaker[Session], tmp_path: Path) -> ApiContext:
    return ApiContext(
        sessions=sessions,
        events_path=tmp_path / "events.duckdb",
        reporting=Reporting(locale="en", on=TODAY),
    )


def test_a_lead_and_its_deal(admin_api: TestClient) -> None:
    account = admin_api.post("/accounts", json={"name": "株式会社テスト"}).json()
    lead = admin_api.post(
        "/leads",
        json={
            "company_name": "株式会社テスト",
            "source": "ウェビナー",
            "created_at": "2026-01-05T10:00:00+09:00",
            "qualified_at": "2026-01-09T15:00:00+09:00",
            "account_id": account["id"],
        },
    )
    assert lead.status_code == 201, lead.text
    assert lead.json()["created_at"] == "2026-01-05T01:00:00Z"
    deal = {
        "name": "新規導入",
        "lead_id": lead.json()["id"],
        "account_id": account["id"],
        "stage": "won",
        "amount": 1_200_000,
        "currency": "JPY",
        "created_on": "2026-01-09",
        "closed_on": "2026-02-10",
    }
    made = admin_api.post("/deals", json=deal)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "new"
    listed = admin_api.get("/deals", params={"stage": "won"}).json()["items"]
    assert [d["name"] for d in listed] == ["新規導入"]
    other = admin_api.post("/accounts", json={"name": "別会社"}).json()
    refusals = {
        "closed_on": {**deal, "closed_on": "2026-01-01"},  # before it opened
        "lead_id": {**deal, "account_id": other["id"]},  # the lead is another account's
    }
    for field, body in refusals.items():
        refused = admin_api.post("/deals", json=body)
        assert refused.status_code == 422, refused.text
        assert ["body", field] in [e["loc"] for e in refused.json()["errors"]], field
    unclosed = admin_api.post("/deals", json={**deal, "closed_on": None})
    assert ["body", "closed_on"] in [e["loc"] for e in unclosed.json()["errors"]]
    early = admin_api.post(
        "/leads",
        json={
            "company_name": "x",
            "created_at": "2026-01-05T10:00:00+09:00",
            "qualified_at": "2026-01-04T10:00:00+09:00",
        },
    )
    assert ["body", "qualified_at"] in [e["loc"] for e in early.json()["errors"]]


def test_the_funnel_by_period_and_source(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_funnel(s)
        s.commit()
    answer = admin_api.get("/funnel", params={"from": "2025-01", "to": "2025-03"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["observed_until"] == "2026-03-01"
    january, _february, march = body["periods"]
    assert [january[s] for s in ("leads", "qualified", "won", "onboarded")] == [6, 4, 3, 2]
    assert january["win_rate"] == 0.75
    assert (january["days_to_qualify"], january["days_to_value"]) == (2.5, 28.5)
    assert (march["leads"], march["qualification_rate"]) == (0, None)
    # The span: 8 leads, won L1 L2 L3 L8; retained L1 and L8 of the matured L1 L2 L8.
    total = body["total"]
    assert [total[s] for s in ("leads", "won", "matured", "retained")] == [8, 4, 3, 2]
    assert [(r["label"], r["leads"]) for r in body["by_source"]] == [
        ("web", 4),
        ("ads", 3),
        ("seminar", 1),
    ]
    assert body["by_segment"] == []
    half = admin_api.get("/funnel", params={"from": "2025-01"})
    assert half.status_code == 422
    paths = admin_api.get("/funnel/paths", params={"period": "2025-02"}).json()
    assert (paths["period"], paths["total"]) == ("2025-02", 2)
    l8 = next(p for p in paths["rows"] if p["lead_external_id"] == "L8")
    # L8 came in Feb 10, qualified Feb 12, won Feb 25; G paid 30,000 then and a year on,
    # and D9 (an expansion deal) was won on Oct 1.
    assert (l8["came_in"], l8["qualified_on"], l8["won_on"]) == (
        "2025-02-10",
        "2025-02-12",
        "2025-02-25",
    )
    assert (l8["mrr_at_win"], l8["mrr_12m"], l8["retained"], l8["expanded"]) == (
        30_000,
        30_000,
        True,
        True,
    )
    one = admin_api.get(
        "/funnel/paths", params={"period": "2025-02", "account_id": l8["account_id"]}
    )
    assert [p["lead_external_id"] for p in one.json()["rows"]] == ["L8"]
