"""The dashboard on the golden customer base (tests/analytics/golden.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from tests.analytics.golden import add_golden
from tests.web.conftest import SignIn


def test_dashboard_figures_and_the_accounts_behind_them(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    with sessions() as s:
        add_golden(s)
        s.commit()
    page = web.get("/dashboard").text
    assert "<h1>Dashboard</h1>" in page
    # Nothing moves after March 2026, so the last whole month ends at the March MRR:
    # A1 10,000 + 5,000, A3 30,000, A4 8,000, A5 40,000, A6 30,000 + 8,333 = 131,333.
    assert "¥131,333" in page
    assert "No health scores yet" in page
    [link] = {part.split('"')[0] for part in page.split('href="/metrics/mrr_movements/')[1:]}
    explained = web.get(f"/metrics/mrr_movements/{link}?everyone=true").text  # none moved
    for name in ("株式会社A1", "株式会社A3", "株式会社A4", "株式会社A5", "株式会社A6"):
        assert name in explained
    assert "株式会社A2" not in explained  # churned in February
