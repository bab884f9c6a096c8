"""Cohort retention on the golden customer base (tests/analytics/golden.py), by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from tests.analytics.golden import add_golden


def _cohorts(session: Session, first: date, last: date) -> dict[tuple[str, str], dict[str, object]]:
    add_golden(session)
    query = MetricQuery(
        names=("cohort_logo_retention", "cohort_revenue_retention"),
        first_month=first,
        last_month=last,
    )
    return {(v.metric, v.period): v.breakdown or {} for v in compute_metrics(session, query)}


def test_cohorts_by_hand(session: Session) -> None:
    c = _cohorts(session, date(2025, 12, 1), date(2026, 3, 1))
    # 2025-12: A1 (first paid Dec 1). MRR on Dec 31, Jan 31, Feb 28, Mar 31: 10k, 10k, 15k, 15k.
    assert c["cohort_logo_retention", "2025-12"] == {"m0": 1, "m1": 1, "m2": 1, "m3": 1}
    assert c["cohort_revenue_retention", "2025-12"] == {"m0": 1, "m1": 1, "m2": 1.5, "m3": 1.5}
    # 2026-01: A3 (first paid Jan 15), 30k on Jan 31, Feb 28, Mar 31; no month 3 yet.
    assert c["cohort_logo_retention", "2026-01"] == {"m0": 1, "m1": 1, "m2": 1, "m3": None}
    # No account started in February.
    assert c["cohort_logo_retention", "2026-02"] == {"m0": None, "m1": None, "m2": None, "m3": None}


def test_logo_retention_is_survival(session: Session) -> None:
    c = _cohorts(session, date(2025, 4, 1), date(2026, 3, 1))
    # 2025-04: A2 alone, paying on Apr 30 to Jan 31 (m0..m9), cancelled Feb 15 (m10 = Feb 28).
    a2 = c["cohort_logo_retention", "2025-04"]
    assert [a2[f"m{k}"] for k in range(12)] == [1] * 10 + [0, 0]
    # 2025-06: A4 paid June, July and August (last day Aug 31), came back in January:
    # survival stays 0 from September (m3).
    a4 = c["cohort_logo_retention", "2025-06"]
    assert [a4[f"m{k}"] for k in range(10)] == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    revenue = c["cohort_revenue_retention", "2025-06"]
    # Revenue comes back with the account: 8,000 ÷ 20,000 at the end of January (m7).
    assert revenue["m7"] == pytest.approx(0.4)
