"""A KPI's drill-down on the golden base (tests/analytics/golden.py), February 2026: A2
churned ¥10,000, A5 contracted ¥10,000, A1 expanded ¥5,000; A3, A4 and A6 stood still."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.workspace import drilldown
from tests.analytics.golden import add_golden
from tests.web.conftest import SignIn
from tests.web.tables import table_rows


def _golden(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        add_golden(s)
        s.commit()


def test_only_the_accounts_that_moved_largest_impact_first(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _golden(sessions)
    page = web.get("/metrics/mrr_movements/2026-02?lang=en").text
    assert "3 of 6 accounts moved it" in page
    rows = table_rows(page)
    names = [r[0] for r in rows]
    assert names[:3] == ["株式会社A2", "株式会社A5", "株式会社A1"]  # ¥10,000, ¥10,000, ¥5,000
    assert rows[0][-1] == "¥10,000"  # impact, as money
    assert len(rows) == 3
    by_name = [r[0] for r in table_rows(web.get("/metrics/mrr_movements/2026-02?sort=-name").text)]
    assert by_name == ["株式会社A5", "株式会社A2", "株式会社A1"]
    ja = web.get("/metrics/mrr_movements/2026-02?lang=ja").text
    assert "6 件中 3 件の顧客が数値を動かしました" in ja
    assert "￥10,000" in ja


def test_the_excel_download_holds_every_moved_account_and_the_totals(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _golden(sessions)
    got = web.get("/metrics/mrr_movements/2026-02.xlsx?lang=en")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="mrr_movements-2026-02.xlsx"'
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body, total = values[0], values[1:-1], values[-1]
    assert header[:2] == ["Name", "External id"]
    assert [r[0] for r in body] == ["株式会社A2", "株式会社A5", "株式会社A1"]
    start, end = header.index("MRR at start"), header.index("MRR at end")
    assert (total[start], total[end]) == (146_333, 131_333)  # every account, not only movers
    assert web.get("/metrics/nope/2026-02.xlsx").status_code == 404


def test_a_visitor_cannot_download(web: TestClient) -> None:
    assert web.get("/metrics/mrr_movements/2026-02.xlsx", follow_redirects=False).status_code in (
        303,
        401,
    )


def test_pages_both_ways(
    web: TestClient,
    sign_in: SignIn,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(drilldown, "PAGE", 2)
    sign_in(Role.VIEWER)
    _golden(sessions)
    first = web.get("/metrics/mrr_movements/2026-02?lang=en").text
    assert "1–2 of 3" in first
    assert [r[0] for r in table_rows(first)] == ["株式会社A2", "株式会社A5"]
    second = web.get("/metrics/mrr_movements/2026-02?lang=en&sort=impact&page=2").text
    assert "3–3 of 3" in second
    assert [r[0] for r in table_rows(second)] == ["株式会社A1"]
    assert "Previous page" in second
