"""NPS, CSAT, CES, churn by reason and loyal customers on tests/analytics/golden_voice.py."""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric
from tests.analytics.golden_voice import add_answers, add_churn, add_loyalty

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def _values(session: Session, *names: str, **query: object) -> dict[tuple[str, str], MetricValue]:
    q = MetricQuery(names=names, first_month=JAN, last_month=MAR, **query)  # type: ignore[arg-type]
    return {(v.metric, v.period): v for v in compute_metrics(session, q)}


def test_nps_and_its_interval_by_hand(session: Session) -> None:
    add_answers(session)
    v = _values(session, "nps")
    jan = v["nps", "2026-01"]
    # 5 promoters, 3 passives, 2 detractors: (5 − 2) ÷ 10 × 100 = 30.
    assert (jan.value, jan.numerator, jan.denominator) == (pytest.approx(30), 3, 10)
    # Var = 0.5 + 0.2 − 0.3² = 0.61; half-width 1.96 × 100 × √(0.61 ÷ 10) = 48.4085...
    half = 1.96 * 100 * math.sqrt(0.061)
    assert half == pytest.approx(48.41, abs=0.005)
    assert jan.breakdown == {
        "promoters": 5,
        "passives": 3,
        "detractors": 2,
        "n": 10,
        "ci_low": pytest.approx(30 - half),
        "ci_high": pytest.approx(30 + half),
    }
    feb = v["nps", "2026-02"]
    # 4 promoters, 1 detractor (the answer at Feb 1 00:00 JST): (4 − 1) ÷ 5 = 60.
    # Var = 0.8 + 0.2 − 0.6² = 0.64; half = 196 × √0.128 = 70.12: 130.12 is clipped to 100.
    assert feb.value == pytest.approx(60)
    assert feb.breakdown is not None
    assert feb.breakdown["ci_low"] == pytest.approx(60 - 196 * math.sqrt(0.128))
    assert feb.breakdown["ci_high"] == 100
    mar = v["nps", "2026-03"]
    assert (mar.value, mar.denominator) == (None, 0)
    assert mar.breakdown is not None
    assert (mar.breakdown["ci_low"], mar.breakdown["ci_high"]) == (None, None)


def test_csat_and_ces_by_hand(session: Session) -> None:
    add_answers(session)
    v = _values(session, "csat", "ces")
    csat = v["csat", "2026-01"]  # 5 and 4 of 5, 4, 3, 1
    assert (csat.value, csat.numerator, csat.denominator) == (0.5, 2, 4)
    ces = v["ces", "2026-01"]  # (7 + 5 + 3) ÷ 3
    assert (ces.value, ces.numerator, ces.denominator) == (5, 15, 3)
    assert v["csat", "2026-02"].value is None
    assert v["ces", "2026-02"].value is None


def test_explain_nps_by_account(session: Session) -> None:
    add_answers(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(session, "nps", JAN, q)
    assert explained.totals == {"promoters": 5, "passives": 3, "detractors": 2}
    assert explained.value == pytest.approx(30)


def test_churn_by_reason_by_hand(session: Session) -> None:
    add_churn(session)
    v = _values(session, "churn_by_reason", "churned_logos_by_reason")
    mrr = v["churn_by_reason", "2026-01"]
    # January: C1 10,000 + C2 35,000 = 45,000.
    assert mrr.value == 45_000
    assert mrr.breakdown == {
        "missing_features": 0,
        "price": 10_000,  # C1 (C2's price cancellation is not its latest)
        "support_quality": 0,
        "competitor": 35_000,  # C2: both lines' MRR, under its latest reason
        "downsizing": 0,
        "champion_left": 0,
        "hard_to_use": 0,
        "other": 0,
    }
    # February: the lines whose last day was Jan 31 — C3 8,000 + C4 12,000 = 20,000.
    feb = v["churn_by_reason", "2026-02"]
    assert feb.value == 20_000
    assert feb.breakdown is not None
    assert (feb.breakdown["missing_features"], feb.breakdown["other"]) == (12_000, 8_000)
    logos = v["churned_logos_by_reason", "2026-01"]
    assert logos.value == 2
    assert logos.breakdown is not None
    assert [logos.breakdown[r] for r in ("missing_features", "price", "competitor", "other")] == [
        0,
        1,
        1,
        0,
    ]
    assert v["churned_logos_by_reason", "2026-02"].value == 2
    # March: nobody churns (C5 only contracts).
    assert v["churn_by_reason", "2026-03"].value == 0
    assert v["churned_logos_by_reason", "2026-03"].value == 0


def test_explain_churn_by_reason(session: Session) -> None:
    add_churn(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(session, "churn_by_reason", JAN, q)
    rows = {r.external_id: r.amounts for r in explained.rows}
    assert set(rows) == {"C1", "C2"}
    assert (rows["C2"]["amount"], rows["C2"]["competitor"], rows["C2"]["price"]) == (
        35_000,
        35_000,
        None,
    )
    assert explained.totals["amount"] == explained.value == 45_000
    feb = explain_metric(session, "churn_by_reason", FEB, q)
    assert {r.external_id for r in feb.rows} == {"C3", "C4"}
    assert feb.totals["other"] == 8_000


def test_loyal_customers_by_hand(session: Session) -> None:
    add_loyalty(session)
    v = _values(session, "loyal_customers")
    # Jan (ends Jan 31): L1 only. L2's latest answer is 6; L3 has paid since 2025-03-01, 11
    # months; L4 contracted in September, inside the 6 months August–January.
    assert v["loyal_customers", "2026-01"].value == 1
    # Feb (ends Feb 28): + L3 (exactly 12 months, March 2025–February 2026); L4's 6 months
    # (September–February) still hold its contraction.
    assert v["loyal_customers", "2026-02"].value == 2
    # Mar: + L4 (October–March), − L3 (yellow on March 31, the last day counts); L5 is red.
    assert v["loyal_customers", "2026-03"].value == 2
    # The quarter ends Mar 31, as March does.
    q1 = _values(session, "loyal_customers", grain=Grain.QUARTER)
    assert q1["loyal_customers", "2026-Q1"].value == 2
    # Without the health condition: L1, L3, L4 and L5.
    any_health = _values(session, "loyal_customers", loyal_bands=())
    assert any_health["loyal_customers", "2026-03"].value == 4


def test_explain_loyal_customers(session: Session) -> None:
    ids = add_loyalty(session)
    q = MetricQuery(names=(), first_month=MAR, last_month=MAR)
    explained = explain_metric(session, "loyal_customers", MAR, q)
    assert [(r.account_id, r.amounts["nps"], r.amounts["mrr"]) for r in explained.rows] == [
        (ids["L1"], 10, 10_000),
        (ids["L4"], 10, 15_000),
    ]
