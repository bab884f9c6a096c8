"""GET /accounts/{id}/health, GET /health?band=, and scorecards through the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.health.features import RefreshConfig, compute_features
from kasasu.health.service import score_day
from kasasu.warehouse.source import AnalyticsSource
from tests.health.golden_health import AS_OF, add_health_base, write_health_events


@pytest.fixture
def scored(sessions: sessionmaker[Session], tmp_path: Path) -> dict[str, int]:
    with sessions() as s:
        ids = add_health_base(s)
        config = RefreshConfig(
            "Asia/Tokyo",
            "JPY",
            source=AnalyticsSource(events_path=write_health_events(tmp_path / "e")),
        )
        compute_features(s, [AS_OF], config)
        score_day(s, AS_OF)
        s.commit()
    return ids


def test_account_health_explained(admin_api: TestClient, scored: dict[str, int]) -> None:
    r = admin_api.get(f"/accounts/{scored['H1']}/health", headers={"Accept-Language": "ja"})
    assert r.status_code == 200
    body = r.json()
    assert (body["band"], round(body["score"], 2)) == ("yellow", 69.17)
    assert body["summary"][0].startswith("2026-02-01 のヘルススコアは 69.2（黄）")
    assert sum(m["contribution"] for m in body["measures"]) == pytest.approx(body["score"])
    assert body["trend"] == [{"as_of": "2026-02-01", "score": body["score"], "band": "yellow"}]


def test_not_enough_data_is_no_band_and_says_why(
    admin_api: TestClient, scored: dict[str, int]
) -> None:
    """H2 (no lifecycle stage: the default card) has data for days since last use (15),
    features used (10), open (5) and escalated tickets (5): 35 of the card's 100, below
    its minimum of half. It never used the product, 48 days after its contract started."""
    r = admin_api.get(f"/accounts/{scored['H2']}/health", headers={"Accept-Language": "en"})
    body = r.json()
    assert (body["score"], body["band"], body["band_title"]) == (None, "unknown", "not enough data")
    assert (body["coverage"], body["min_coverage"]) == (pytest.approx(0.35), 0.5)
    assert body["summary"][0] == (
        "Not enough data on 2026-02-01: 35% of the weight of scorecard default v1 has data and "
        "50% is needed, so the account has no band (it is not counted as red)."
    )
    shown = {m["metric"]: m["shown"] for m in body["measures"]}
    assert shown["days_since_last_event"] == "never used (48 days since the contract started)"
    ja = admin_api.get(f"/accounts/{scored['H2']}/health", headers={"Accept-Language": "ja"})
    assert ja.json()["band_title"] == "データ不足"
    assert {m["metric"]: m["shown"] for m in ja.json()["measures"]}[
        "days_since_last_event"
    ] == "未利用（契約開始から 48 日）"
    # Listed apart: not among the red ones, found under band=unknown with its coverage.
    assert admin_api.get("/health", params={"band": "red"}).json()["items"] == []
    apart = admin_api.get("/health", params={"band": "unknown"}).json()["items"]
    assert [(i["external_id"], i["coverage"]) for i in apart] == [("H2", pytest.approx(0.35))]


def test_unknown_account_health_is_404(admin_api: TestClient, scored: dict[str, int]) -> None:
    r = admin_api.get("/accounts/999999/health")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_accounts_by_band_with_paging(admin_api: TestClient, scored: dict[str, int]) -> None:
    everyone = admin_api.get("/health", params={"limit": 1}).json()
    assert everyone["as_of"] == "2026-02-01"
    assert len(everyone["items"]) == 1
    assert everyone["next_cursor"]
    rest = admin_api.get("/health", params={"limit": 1, "cursor": everyone["next_cursor"]}).json()
    seen = {everyone["items"][0]["external_id"], rest["items"][0]["external_id"]}
    assert seen == {"H1", "H2"}
    yellow = admin_api.get("/health", params={"band": "yellow"}).json()
    assert [i["external_id"] for i in yellow["items"]] == ["H1"]
    assert admin_api.get("/health", params={"band": "purple"}).status_code == 422


def test_scorecards_through_the_api(admin_api: TestClient, scored: dict[str, int]) -> None:
    # A new installation gets every shipped card, in the order they are tried (priority).
    shipped = ["onboarding", "adoption", "default"]
    assert [c["name"] for c in admin_api.get("/scorecards").json()] == shipped
    card = {"name": "nps-only", "measures": [{"metric": "latest_nps", "weight": 1}]}
    r = admin_api.post("/scorecards", json=card)
    assert (r.status_code, r.json()["version"]) == (200, 1)
    bad = admin_api.post(
        "/scorecards", json={"name": "x", "measures": [{"metric": "nope", "weight": 1}]}
    )
    assert bad.status_code == 422
    assert (
        admin_api.get("/scorecards/nps-only").json()["definition"]["measures"][0]["metric"]
        == "latest_nps"
    )
