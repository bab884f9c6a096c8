"""Security review F10: an expensive API read over its time budget is stopped and answered
503 problem+json with Retry-After, on SQLite and PostgreSQL (the budget is small here; the
default is 30 s, see tests/test_request_budget.py for a real server)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api import create_api
from kasasu.api.context import ApiContext
from kasasu.domain.choices import Role
from kasasu.kit.deadline import BudgetMiddleware
from tests.conftest import make_key
from tests.support.long_reads import add_long_comments

# ~2 s of key terms (tests/support/long_reads.py), four times the budget of 0.5 s, which
# leaves a cheap read (its first call included) room on a loaded machine.
COMMENTS = 10_000


def test_a_read_over_its_budget_is_503_with_retry_after(
    api_context: ApiContext, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        add_long_comments(s, COMMENTS)
        s.commit()
    key = make_key(sessions, Role.VIEWER)
    app = BudgetMiddleware(create_api(api_context), seconds=0.5)
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    with TestClient(app, base_url="http://testserver", headers=headers) as client:
        wide = client.get("/voice/terms")
        assert wide.status_code == 503, wide.text
        assert wide.headers["content-type"] == "application/problem+json"
        assert wide.headers["retry-after"] == "1"
        assert "longer than the 0.5 s the server allows" in wide.json()["detail"]
        japanese = client.get("/voice/terms", headers={"Accept-Language": "ja"})
        assert japanese.status_code == 503
        assert "0.5 秒を超えた" in japanese.json()["detail"]
        # A cheap read answers as before; writes have no budget.
        assert client.get("/accounts").status_code == 200
        made = client.post("/exchange-rates", json={})
        assert made.status_code in (403, 422)
