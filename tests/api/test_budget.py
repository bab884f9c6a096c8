"""Security review F10: an expensive API read over its time budget is stopped and answered
503 problem+json with Retry-After, on SQLite and PostgreSQL (the budget is tiny here; the
default is 30 s, see tests/test_request_budget.py for a real server)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api import create_api
from kasasu.api.context import ApiContext
from kasasu.domain.choices import Role
from kasasu.kit.deadline import BudgetMiddleware
from tests.analytics.golden import add_golden
from tests.conftest import make_key


def test_a_read_over_its_budget_is_503_with_retry_after(
    api_context: ApiContext, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_golden(s)
        s.commit()
    key = make_key(sessions, Role.VIEWER)
    app = BudgetMiddleware(create_api(api_context), seconds=0.2)
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    with TestClient(app, base_url="http://testserver", headers=headers) as client:
        wide = client.get("/voice/reasons", params={"from": "2016-01", "to": "2025-12"})
        assert wide.status_code == 503, wide.text
        assert wide.headers["content-type"] == "application/problem+json"
        assert wide.headers["retry-after"] == "1"
        assert "longer than the 0.2 s the server allows" in wide.json()["detail"]
        japanese = client.get(  # the same long read: a metric may be quick once warm
            "/voice/reasons",
            params={"from": "2015-01", "to": "2024-12"},
            headers={"Accept-Language": "ja"},
        )
        assert japanese.status_code == 503
        assert "0.2 秒を超えた" in japanese.json()["detail"]
        # A cheap read answers as before; writes have no budget.
        assert client.get("/accounts").status_code == 200
        made = client.post("/exchange-rates", json={})
        assert made.status_code in (403, 422)
