"""The KPI workbook on the golden customer base (tests/analytics/golden.py), read back by hand."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.analytics.catalog import all_metrics
from kasasu.analytics.registry import Unit
from kasasu.domain.choices import CancellationReason as R
from kasasu.domain.choices import SubscriptionStatus
from kasasu.domain.reporting import Reporting
from kasasu.metrics.report import build_report, number_formats
from tests.analytics.golden import add_golden
from tests.analytics.golden_voice import add_accounts, add_line
from tests.support.cli import kasasu

FEB, FEB_10, OCT = date(2026, 2, 1), date(2026, 2, 10), date(2025, 10, 1)
CANCELLED = SubscriptionStatus.CANCELLED
EN_SHEETS = [
    "Summary",
    "Revenue",
    "Retention",
    "Cohorts",
    "Voice",
    "Support",
    "Usage",
    "Churn reasons",
    "Definitions",
]
JA_SHEETS = [
    "概要",
    "収益",
    "維持率",
    "コホート",
    "顧客の声",
    "サポート",
    "利用状況",
    "解約理由",
    "定義",
]


def _book(session: Session, locale: str = "en") -> Workbook:
    return load_workbook(io.BytesIO(build_report(session, FEB, Reporting(locale=locale))))


@pytest.fixture(scope="module")
def golden(migrated_engine: Engine) -> dict[str, bytes]:
    """The workbook of the golden customer base in each language, built once per database
    (a report computes every KPI: a few seconds); the tests read copies of it."""
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            add_golden(session)
            books = {
                locale: build_report(session, FEB, Reporting(locale=locale))
                for locale in ("en", "ja")
            }
        outer.rollback()
    return books


def _golden(golden: dict[str, bytes], locale: str = "en") -> Workbook:
    return load_workbook(io.BytesIO(golden[locale]))


def _rows(ws: Worksheet, header_row: int = 1, count: int | None = None) -> dict[str, Any]:
    """First column → {header: cell} for the (``count``) rows under ``header_row``."""
    headers = [c.value for c in ws[header_row]]
    last = None if count is None else header_row + count
    return {
        str(row[0].value): {str(h): c for h, c in zip(headers, row, strict=False)}
        for row in ws.iter_rows(min_row=header_row + 1, max_row=last)
        if row[0].value is not None
    }


def test_sheets_are_named_in_the_readers_language(golden: dict[str, bytes]) -> None:
    assert _golden(golden, "en").sheetnames == EN_SHEETS
    assert _golden(golden, "ja").sheetnames == JA_SHEETS


def test_revenue_sheet_has_the_hand_computed_mrr_and_churn(golden: dict[str, bytes]) -> None:
    book = _golden(golden)
    revenue = book["Revenue"]
    rows = _rows(revenue)
    assert list(rows) == [f"2025-{m:02}" for m in range(3, 13)] + ["2026-01", "2026-02"]
    jan, feb = rows["2026-01"], rows["2026-02"]
    # Golden: MRR on January 31 146,333; in February A2's ¥10,000 churns and A5 contracts.
    assert jan["MRR"].value == 146_333
    assert feb["Churn"].value == 10_000
    assert feb["Expansion"].value == 5_000
    assert feb["MRR"].value == 131_333
    assert jan["MRR"].number_format == "¥#,##0"
    assert jan["Active accounts"].number_format == "#,##0"
    assert revenue.freeze_panes == "B2"
    retention = _rows(book["Retention"])
    grr = retention["2026-02"]["GRR"]
    assert grr.value == pytest.approx(126_333 / 146_333)
    assert grr.number_format == "0.0%"


def test_number_formats_follow_the_currency() -> None:
    assert number_formats("JPY")[Unit.MONEY] == "¥#,##0"
    assert number_formats("USD")[Unit.MONEY] == "$#,##0.00"
    assert number_formats("KWD")[Unit.MONEY] == '"KWD"#,##0.000'
    assert number_formats("USD")[Unit.RATE] == "0.0%"
    assert number_formats("USD")[Unit.COUNT] == "#,##0"


def test_churn_reasons_are_a_pareto_table_largest_first(session: Session) -> None:
    add_golden(session)  # A2 churns ¥10,000 in February with no reason: "other"
    ids = add_accounts(session, "R1", "R2", "R3")
    for name, amount, reason in (
        ("R1", 30_000, R.PRICE),
        ("R2", 5_000, R.COMPETITOR),
        ("R3", 2_000, R.PRICE),
    ):
        add_line(session, ids[name], amount, OCT, status=CANCELLED, cancelled=FEB_10, reason=reason)
    ws = _book(session)["Churn reasons"]
    assert ws["A1"].value == "2026-02"
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    # price 30,000 + 2,000 (2 accounts), other 10,000 (A2), competitor 5,000.
    total = 47_000
    assert [r[0] for r in table] == ["Price", "Other", "Switched to a competitor", "Total"]
    assert [r[1] for r in table] == [32_000, 10_000, 5_000, total]
    assert [r[4] for r in table] == [2, 1, 1, 4]
    assert table[0][2] == pytest.approx(32_000 / total)
    assert [r[3] for r in table[:3]] == pytest.approx([32_000 / total, 42_000 / total, 1])
    assert ws["D3"].number_format == "0.0%"


def test_summary_and_definitions_cover_every_kpi(golden: dict[str, bytes]) -> None:
    book = _golden(golden, "en")
    summary = book["Summary"]
    assert (summary["A2"].value, summary["B2"].value) == ("Period", "2026-02")
    assert (summary["A4"].value, summary["B4"].value) == ("Currency", "JPY")
    assert (summary["A5"].value, summary["B5"].value) == ("Time zone", "Asia/Tokyo")
    kpis = _rows(summary, header_row=8)
    assert list(kpis) == [m.title.render("en") for m in all_metrics()]
    assert kpis["MRR"]["2026-02"].value == 131_333
    assert kpis["MRR"]["2026-01"].value == 146_333
    definitions = _rows(book["Definitions"])
    assert [d["ID"].value for d in definitions.values()] == [m.name for m in all_metrics()]
    ja = _rows(_golden(golden, "ja")["定義"])
    for metric in all_metrics():
        assert ja[metric.title.render("ja")]["定義"].value == metric.definition.render("ja")


def test_cohorts_are_a_triangle(golden: dict[str, bytes]) -> None:
    ws = _golden(golden)["Cohorts"]
    assert (ws["A1"].value, ws["A16"].value) == (
        "Cohort logo retention",
        "Cohort revenue retention",
    )
    logo = _rows(ws, header_row=2, count=12)
    # January's cohort is A3 alone (A4's first paid month is June 2025), still paying in Feb.
    assert logo["2026-01"]["Accounts at month 0"].value == 1
    assert logo["2026-01"]["m1"].value == 1
    assert logo["2026-01"]["m2"].value is None  # not yet
    assert logo["2026-02"]["m1"].value is None


def test_the_same_data_gives_the_same_bytes(session: Session, golden: dict[str, bytes]) -> None:
    add_golden(session)  # the same data again, in another transaction
    assert build_report(session, FEB, Reporting(locale="ja")) == golden["ja"]


def test_cli_writes_the_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    out = tmp_path / "kpi-2026-02.xlsx"
    result = kasasu(data, "report", "--period", "2026-02", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Wrote {out} (10 sheets)" in result.stdout  # with the renewal forecast
    assert load_workbook(out).sheetnames == [*EN_SHEETS[:-1], "Renewal forecast", "Definitions"]
    written = out.read_bytes()
    again = kasasu(data, "report", "--period", "2026-02", "--out", str(out), locale="ja")
    assert again.returncode == 2
    assert "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert out.read_bytes() == written
    forced = kasasu(data, "report", "--period", "2026-02", "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    bad = kasasu(data, "report", "--period", "2026-13", "--out", str(tmp_path / "x.xlsx"))
    assert bad.returncode == 2
    assert "2026-13" in bad.stderr
