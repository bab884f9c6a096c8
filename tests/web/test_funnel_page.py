"""The funnel page on tests/analytics/golden_funnel.py (its figures by hand there and in
tests/analytics/test_funnel_kpis.py), observed on 2026-03-01: in English and in Japanese,
by quarter, for one plan; each period's leads and their paths; and the API's answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.domain.reporting import Reporting
from kasasu.web.context import WebContext
from tests.analytics.golden_funnel import add_funnel
from tests.web.conftest import SignIn
from tests.web.tables import table_rows

TODAY = date(2026, 3, 1)  # the page shows the 24 months to February 2026, observed today


@pytest.fixture
def web_context(sessions: sessionmaker[Session], tmp_path: Path) -> WebContext:
    return WebContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en", on=TODAY))


@pytest.fixture
def funnel(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_funnel(s)
        s.commit()
    return ids


def _table(page: str, table_id: str) -> dict[str, list[str]]:
    """First cell → the row's cells, of the table ``table_id``."""
    part = page[page.index(f'id="{table_id}"') :]
    part = part[: part.index("</table>")]
    return {row[0]: row[1:] for row in table_rows(part)}


@pytest.mark.usefixtures("funnel")
def test_the_funnel_by_month_in_english(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/funnel?lang=en").text
    assert "<h1>The Model funnel</h1>" in page
    months = _table(page, "funnel-periods")
    assert len(months) == 24  # March 2024 – February 2026
    # January 2025: 6 leads; 4 qualified (4/6), 3 won (3/4), 2 onboarded (2/3), 2 won 12+
    # months ago, 1 retained (1/2), 1 expanded (1/1); median days 2.5, 35, 28.5.
    assert months["2025-01"] == [
        "6", "4 66.7%", "3 75.0%", "2 66.7%", "2", "1 50.0%", "1 100.0%", "2.5", "35", "28.5",
    ]  # fmt: skip
    assert months["2025-02"][:3] == ["2", "2 100.0%", "1 50.0%"]
    assert months["2025-03"] == ["0", "0 —", "0 —", "0 —", "0", "0 —", "0 —", "—", "—", "—"]
    sources = _table(page, "funnel-sources")
    # web: L1, L3, L6, L7; ads: L4, L5, L8; seminar: L2 — most leads first.
    assert [(k, v[0]) for k, v in sources.items()] == [("web", "4"), ("ads", "3"),
                                                      ("seminar", "1")]  # fmt: skip
    assert '<a href="/funnel/paths?lang=en&amp;period=2025-01"' in page


@pytest.mark.usefixtures("funnel")
def test_the_funnel_in_japanese_by_quarter_and_for_one_plan(
    web: TestClient, sign_in: SignIn
) -> None:
    sign_in(Role.LEADER)
    page = web.get("/funnel?lang=ja&grain=quarter").text
    assert "<h1>The Model ファネル</h1>" in page
    assert "商談化" in page
    assert "受注から12か月経過" in page
    quarters = _table(page, "funnel-periods")
    assert quarters["2025-Q1"][:4] == ["8", "6 75.0%", "4 66.7%", "2 50.0%"]
    pro = _table(web.get("/funnel?lang=en&plan=Pro").text, "funnel-periods")
    assert pro["2025-01"][:3] == ["2", "2 100.0%", "2 100.0%"]  # L1 (A) and L3 (C by D3)


@pytest.mark.usefixtures("funnel")
def test_a_period_lists_each_lead_and_its_path(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    fragment = web.get("/funnel/paths?lang=en&period=2025-01", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment
    rows = {r[0].split()[0]: r[1:] for r in table_rows(fragment)}
    assert list(rows) == ["L6株式会社", "L1株式会社", "L3株式会社", "L4株式会社", "L5株式会社",
                          "L2株式会社"]  # fmt: skip
    # L1: came in Jan 6 (JST), qualified Jan 10, won Feb 14, first value Mar 20; ¥10,000
    # when A started paying (Mar 1), ¥15,000 on 2026-02-14: expanded.
    assert rows["L1株式会社"] == [
        "web", "株式会社A", "January 6, 2025", "January 10, 2025", "February 14, 2025",
        "March 20, 2025", "¥10,000", "¥15,000", "Expanded",
    ]  # fmt: skip
    assert rows["L2株式会社"][-1] == "Churned"  # B cancelled Dec 31: no MRR on 2026-02-20
    assert rows["L3株式会社"][-1] == "not yet"  # won Apr 18: 12 months not passed
    page = web.get("/funnel/paths?lang=ja&period=2025-01").text
    assert "<html" in page  # without HTMX: a page of its own
    assert "2025-01 のリードとその経過" in page


def test_an_empty_funnel_renders(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/funnel?lang=en")
    assert page.status_code == 200
    assert "No lead came in during these periods." in page.text


@pytest.mark.usefixtures("funnel")
def test_a_funnel_kpi_drills_down_to_its_accounts(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/metrics/funnel_win_rate/2025-01?lang=en")
    assert page.status_code == 200
    # A (L1), B (L2), C (L3 by its deal), F (L6): the January leads with an account.
    assert all(f"株式会社{n}" in page.text for n in "ABCF")
    assert "Days to win" in page.text


@pytest.mark.usefixtures("funnel")
def test_the_funnel_kpis_have_their_kpi_pages(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    leads = web.get("/kpis/funnel_leads?lang=en").text
    values = {row[0]: row[1] for row in table_rows(leads[leads.index('id="kpi-values"') :])}
    assert (values["2025-01"], values["2025-02"]) == ("6", "2")
    win = web.get("/kpis/funnel_win_rate?lang=ja").text
    values = {row[0]: row[1] for row in table_rows(win[win.index('id="kpi-values"') :])}
    assert values["2025-01"] == "75.0%"  # 3 won of 4 qualified, as on the funnel page
