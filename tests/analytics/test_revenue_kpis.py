"""Revenue KPIs on the golden customer base (tests/analytics/golden.py), computed by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric
from tests.analytics.golden import add_golden

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def _values(session: Session, *names: str, **query: object) -> dict[tuple[str, str], MetricValue]:
    add_golden(session)
    q = MetricQuery(names=names, first_month=JAN, last_month=MAR, **query)  # type: ignore[arg-type]
    return {(v.metric, v.period): v for v in compute_metrics(session, q)}


def test_mrr_movements_by_hand(session: Session) -> None:
    v = _values(session, "mrr_movements", "mrr", "arr")
    # Jan (Dec 31 → Jan 31): start A1+A2+A5+A6 = 10,000+10,000+50,000+30,000 = 100,000;
    # new A3 30,000; reactivation A4 8,000; expansion A6 8,333; A5's ¥50,000 line serves
    # through Jan 31, so no contraction yet; end = 100,000 + 30,000 + 8,000 + 8,333 = 146,333.
    assert v["mrr_movements", "2026-01"].breakdown == {
        "start": 100_000,
        "new": 30_000,
        "reactivation": 8_000,
        "expansion": 8_333,
        "contraction": 0,
        "churn": 0,
        "end": 146_333,
    }
    # Feb: A1 + Analytics 5,000 (expansion), A5 down to ¥40,000 from Feb 1 (contraction
    # 10,000), A2 churns 10,000: 146,333 + 5,000 − 10,000 − 10,000.
    assert v["mrr_movements", "2026-02"].breakdown == {
        "start": 146_333,
        "new": 0,
        "reactivation": 0,
        "expansion": 5_000,
        "contraction": 10_000,
        "churn": 10_000,
        "end": 131_333,
    }
    assert v["mrr", "2026-03"].value == 131_333
    assert v["arr", "2026-01"].value == 146_333 * 12
    assert v["mrr", "2026-01"].currency == "JPY"


def test_churn_retention_and_arpa_by_hand(session: Session) -> None:
    v = _values(
        session, "logo_churn_rate", "gross_mrr_churn_rate", "grr", "nrr", "arpa", "active_accounts"
    )
    assert (
        v["logo_churn_rate", "2026-01"].numerator,
        v["logo_churn_rate", "2026-01"].denominator,
    ) == (0, 4)
    assert (
        v["logo_churn_rate", "2026-02"].numerator,
        v["logo_churn_rate", "2026-02"].denominator,
    ) == (1, 6)
    # Jan gross churn: nothing lost; Feb: (A5's contraction 10,000 + A2's churn 10,000) over
    # the 146,333 of Jan 31.
    assert v["gross_mrr_churn_rate", "2026-01"].value == 0
    assert v["gross_mrr_churn_rate", "2026-02"].value == pytest.approx(20_000 / 146_333)
    # Jan GRR: (100,000 − 0 − 0) / 100,000; NRR: (10,000+10,000+50,000+38,333) / 100,000.
    assert v["grr", "2026-01"].value == 1
    assert v["nrr", "2026-01"].value == pytest.approx(1.08333)
    # Feb GRR: (146,333 − 10,000 − 10,000) / 146,333; NRR: 131,333 / 146,333.
    assert v["grr", "2026-02"].value == pytest.approx(126_333 / 146_333)
    assert v["nrr", "2026-02"].value == pytest.approx(131_333 / 146_333)
    assert v["arpa", "2026-01"].value == pytest.approx(146_333 / 6)
    assert v["active_accounts", "2026-02"].value == 5  # A2 gone, A7 only a trial
    # March: nothing moves.
    assert v["logo_churn_rate", "2026-03"].value == 0
    assert v["grr", "2026-03"].value == 1


def test_upsell_and_cross_sell_by_hand(session: Session) -> None:
    v = _values(session, "upsell_rate", "cross_sell_rate")
    # Jan: A6 grew the product it had (Core) → 1 of the 4 accounts active on Dec 31.
    assert (v["upsell_rate", "2026-01"].numerator, v["upsell_rate", "2026-01"].denominator) == (
        1,
        4,
    )
    assert v["cross_sell_rate", "2026-01"].numerator == 0
    # Feb: A1 added Analytics → 1 of the 6 accounts active on Jan 31.
    assert (
        v["cross_sell_rate", "2026-02"].numerator,
        v["cross_sell_rate", "2026-02"].denominator,
    ) == (1, 6)
    assert v["upsell_rate", "2026-02"].numerator == 0


def test_explain_upsell_and_cross_sell(session: Session) -> None:
    ids = add_golden(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=MAR)
    up = explain_metric(session, "upsell_rate", JAN, q)
    # A6: Core 30,000 on Dec 31, 30,000 + 8,333 (the yearly line) on Jan 31 → grew by 8,333;
    # its account MRR went 30,000 → 38,333.
    assert [(r.account_id, r.amounts) for r in up.rows] == [
        (ids["A6"], {"amount": 8_333, "start": 30_000, "end": 38_333})
    ]
    cross = explain_metric(session, "cross_sell_rate", FEB, q)
    # A1 added Analytics at 5,000: 10,000 → 15,000.
    assert [(r.account_id, r.amounts) for r in cross.rows] == [
        (ids["A1"], {"amount": 5_000, "start": 10_000, "end": 15_000})
    ]


def test_quarter_and_filter(session: Session) -> None:
    v = _values(session, "mrr_movements", grain=Grain.QUARTER)
    # Q1 2026 = Dec 31 → Mar 31: start 100,000, end 131,333 (A2 gone, A1/A3/A4/A6 up, A5 down).
    q1 = v["mrr_movements", "2026-Q1"].breakdown
    assert q1 is not None
    assert (q1["start"], q1["end"], q1["churn"], q1["new"]) == (100_000, 131_333, 10_000, 30_000)


def test_filter_by_plan(session: Session) -> None:
    v = _values(session, "mrr", filters={"plan": "Enterprise"})
    # A5 50,000 + A6 38,333 on Jan 31; A5 40,000 + A6 38,333 on Feb 28.
    assert v["mrr", "2026-01"].value == 88_333
    assert v["mrr", "2026-02"].value == 78_333


def test_explain_reproduces_the_figure(session: Session) -> None:
    ids = add_golden(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(session, "mrr_movements", JAN, q)
    by_account = {r.external_id: r.amounts for r in explained.rows}
    assert by_account["A5"]["contraction"] == 0
    assert by_account["A3"]["new"] == 30_000
    assert explained.totals["end"] == explained.value == 146_333
    assert "A7" not in by_account
    feb = explain_metric(session, "mrr_movements", FEB, q)
    assert {r.external_id: r.amounts for r in feb.rows}["A5"]["contraction"] == 10_000
    churned = explain_metric(session, "logo_churn_rate", FEB, q)
    assert [(r.account_id, r.amounts["amount"]) for r in churned.rows] == [(ids["A2"], 10_000)]


def test_ltv_seed_formula_by_hand(session: Session) -> None:
    v = _values(session, "ltv_seed", "ltv_simple")
    # January has no churn: the retention period (1 ÷ churn) and so the LTV are not defined.
    assert v["ltv_seed", "2026-01"].value is None
    feb = v["ltv_seed", "2026-02"].breakdown
    assert feb is not None
    # Lines paying on Feb 28: monthly A1 10,000 + 5,000, A3 30,000, A4 8,000, A5 40,000 (12
    # invoices a year each), A6 quarterly 30,000 a month (4 invoices of 90,000) and yearly
    # 8,333 a month (1 invoice of 99,996). Yearly revenue 12 × 131,333 over 5 × 12 + 4 + 1
    # = 65 invoices a year; 65 invoices ÷ 12 months ÷ 5 paying accounts.
    average = 12 * 131_333 / 65
    frequency = 65 / 12 / 5
    retention = 6  # February: 1 of 6 accounts churned → 1 ÷ (1/6) months
    assert feb["average_purchase"] == pytest.approx(average)
    assert feb["purchase_frequency"] == pytest.approx(frequency)
    assert feb["retention_months"] == pytest.approx(retention)
    assert v["ltv_seed", "2026-02"].value == pytest.approx(average * frequency * retention)
    assert average * frequency == pytest.approx(131_333 / 5)  # = ARPA, as it should
    # Simple LTV, margin 100%: ARPA (131,333 ÷ 5) ÷ (1/6).
    assert v["ltv_simple", "2026-02"].value == pytest.approx(131_333 / 5 * 6)
