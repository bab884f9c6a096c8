from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from tests.analytics.golden import add_golden
from tests.analytics.golden_usage import write_events


def test_metric_by_period_and_its_explanation(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_golden(s)
        s.commit()
    got = admin_api.get("/metrics/mrr_movements", params={"from": "2026-01", "to": "2026-02"})
    assert got.status_code == 200, got.text
    jan, feb = got.json()
    assert (jan["period"], jan["value"], jan["breakdown"]["churn"]) == ("2026-01", 146_333, 0)
    assert (feb["breakdown"]["churn"], feb["unit"], feb["currency"]) == (10_000, "money", "JPY")
    explained = admin_api.get("/metrics/logo_churn_rate/explain", params={"period": "2026-02"})
    assert [r["external_id"] for r in explained.json()["rows"]] == ["A2"]


def test_bad_metric_requests_are_4xx(admin_api: TestClient) -> None:
    assert (
        admin_api.get("/metrics/mrr", params={"from": "2026-1", "to": "2026-02"}).status_code == 422
    )
    unknown = admin_api.get("/metrics/happiness", params={"from": "2026-01", "to": "2026-02"})
    assert unknown.status_code == 422
    assert "happiness" in unknown.json()["detail"]
    backwards = admin_api.get("/metrics/mrr", params={"from": "2026-05", "to": "2026-02"})
    assert backwards.status_code == 422
    # Security review F10: two centuries of periods are refused at once, not computed.
    for path in ("/metrics/cohort_logo_retention", "/voice/reasons"):
        wide = admin_api.get(path, params={"from": "1990-01", "to": "2100-12"})
        assert wide.status_code == 422, (path, wide.text)
    decade = admin_api.get("/metrics/mrr", params={"from": "2016-01", "to": "2026-01"})
    assert decade.status_code == 422
    assert "120" in decade.json()["detail"]


def test_an_explanation_reads_the_usage_events(
    admin_api: TestClient, sessions: sessionmaker[Session], api_context: ApiContext
) -> None:
    """The accounts behind the active account rate, from the server's event store (the
    route used to explain without any events: every account at 0)."""
    with sessions() as s:
        add_golden(s)
        s.commit()
    write_events(api_context.events_path)
    explained = admin_api.get(
        "/metrics/active_account_rate/explain", params={"period": "2026-01"}
    ).json()
    counts = {r["external_id"]: r["amounts"]["events"] for r in explained["rows"]}
    # By hand in tests/analytics/golden_usage.py, as tests/analytics/test_usage_kpis.py.
    assert counts == {"A1": 3, "A2": 0, "A3": 1, "A4": 1, "A5": 0, "A6": 0}
