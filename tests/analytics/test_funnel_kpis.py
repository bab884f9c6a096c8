"""The Model funnel's KPIs on tests/analytics/golden_funnel.py, computed by hand here, and
the same figures from DuckDB and from PostgreSQL in place (also in a zone with daylight
saving, whose local days take the other path of analytics.funnel)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric, metric_names
from kasasu.warehouse.source import AnalyticsSource
from tests.analytics.golden_funnel import add_funnel
from tests.conftest import new_postgres_database

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
OBSERVED = date(2026, 3, 1)
FUNNEL = tuple(n for n in metric_names() if n.startswith("funnel_"))
STAGES = ("leads", "qualified", "won", "onboarded", "matured", "retained", "expanded")


def _query(**changes: object) -> MetricQuery:
    query = MetricQuery(names=FUNNEL, first_month=JAN, last_month=MAR, as_of=OBSERVED)
    return replace(query, **changes)  # type: ignore[arg-type]  # MetricQuery's own fields


def _values(session: Session, query: MetricQuery) -> dict[tuple[str, str], MetricValue]:
    return {(v.metric, v.period): v for v in compute_metrics(session, query)}


def _stages(*counts: int) -> dict[str, int]:
    return dict(zip(STAGES, counts, strict=True))


def test_stages_conversions_and_velocities_by_hand(session: Session) -> None:
    add_funnel(session)
    v = _values(session, _query())
    # January: L1–L6 came in; qualified L1 L2 L3 L4; won L1 L2 L3; onboarded L1 L3; won 12
    # months before 2026-03-01: L1 (Feb 14) and L2 (Feb 20), not L3 (Apr 18); retained: L1
    # (A pays 15,000 on 2026-02-14; B cancelled Dec 31); expanded: L1 (15,000 > 10,000).
    assert v["funnel_leads", "2025-01"].breakdown == _stages(6, 4, 3, 2, 2, 1, 1)
    assert v["funnel_leads", "2025-01"].value == 6
    # February: L7 (qualified by its open deal) and L8 (won Feb 25, matured, G still pays
    # 30,000 as at the start, expanded by D9 won Oct 1).
    assert v["funnel_leads", "2025-02"].breakdown == _stages(2, 2, 1, 0, 1, 1, 1)
    assert v["funnel_leads", "2025-03"].breakdown == _stages(0, 0, 0, 0, 0, 0, 0)
    rates = {
        "funnel_qualification_rate": (4, 6),
        "funnel_win_rate": (3, 4),
        "funnel_onboarding_rate": (2, 3),
        "funnel_retention_rate": (1, 2),  # of the matured won, not of all won
        "funnel_expansion_rate": (1, 1),
    }
    for name, (numerator, denominator) in rates.items():
        found = v[name, "2025-01"]
        assert (found.numerator, found.denominator) == (numerator, denominator), name
        assert found.value == pytest.approx(numerator / denominator), name
    assert v["funnel_win_rate", "2025-02"].value == 0.5  # L8 of L7, L8
    assert v["funnel_qualification_rate", "2025-03"].value is None  # no lead, no rate
    # Days between local days (JST): to qualified L1 Jan 6 → 10 = 4 (5 in UTC: it came in on
    # Jan 5 23:00 UTC), L2 Jan 31 → Feb 3 = 3, L3 Jan 15 → 17 = 2 (its deal before its
    # qualified_at), L4 Jan 20 → 22 = 2 → 2, 2, 3, 4: (2 + 3) ÷ 2.
    assert (v["funnel_days_to_qualify", "2025-01"].value, v["funnel_days_to_qualify",
            "2025-01"].breakdown) == (2.5, {"n": 4})  # fmt: skip
    # To won: L1 Jan 10 → Feb 14 = 21 + 14 = 35; L2 Feb 3 → 20 = 17; L3 Jan 17 → Apr 18 =
    # 14 + 28 + 31 + 18 = 91 → the middle one, 35.
    assert v["funnel_days_to_win", "2025-01"].value == 35
    # To first value: L1 Feb 14 → Mar 20 (19 22:00 UTC) = 14 + 20 = 34; L3 Apr 18 → May 11 =
    # 12 + 11 = 23 → (23 + 34) ÷ 2.
    assert v["funnel_days_to_value", "2025-01"].value == 28.5
    # February: L7 Feb 1 (Jan 31 15:30 UTC) → Feb 5 = 4, L8 Feb 10 → 12 = 2 → 3; L8 to won 13.
    assert v["funnel_days_to_qualify", "2025-02"].value == 3
    assert v["funnel_days_to_win", "2025-02"].value == 13
    assert v["funnel_days_to_value", "2025-02"].breakdown == {"n": 0}


def test_a_quarter_is_the_months_together(session: Session) -> None:
    add_funnel(session)
    v = _values(session, _query(grain=Grain.QUARTER))
    assert v["funnel_leads", "2025-Q1"].breakdown == _stages(8, 6, 4, 2, 3, 2, 2)
    # To qualified: 4, 3, 2, 2 (January), 4, 2 (February) → 2, 2, 2, 3, 4, 4: (2 + 3) ÷ 2;
    # to won 35, 17, 91, 13 → 13, 17, 35, 91: (17 + 35) ÷ 2.
    assert v["funnel_days_to_qualify", "2025-Q1"].value == 2.5
    assert v["funnel_days_to_win", "2025-Q1"].value == 26


def test_stages_count_only_what_happened_before_the_observation_day(session: Session) -> None:
    add_funnel(session)
    # No as-of: observed on 2025-03-01, the day after February. January: qualified L1 (Jan
    # 10), L2 (Feb 3), L3 (Jan 17), L4 (Jan 22); won L1 (Feb 14), L2 (Feb 20), not L3 (Apr
    # 18); nobody's first value yet (A's is Mar 20); nothing 12 months old.
    v = _values(session, _query(as_of=None, last_month=FEB))
    assert v["funnel_leads", "2025-01"].breakdown == _stages(6, 4, 2, 0, 0, 0, 0)


def test_an_account_filter_keeps_the_leads_of_those_accounts(session: Session) -> None:
    add_funnel(session)
    # Pro accounts: A (L1's own) and C (L3's by its won deal); L4 and L5 have none.
    v = _values(session, _query(filters={"plan": "Pro"}))
    assert v["funnel_leads", "2025-01"].breakdown == _stages(2, 2, 2, 2, 1, 1, 1)
    assert v["funnel_leads", "2025-02"].breakdown == _stages(0, 0, 0, 0, 0, 0, 0)


def test_explain_gives_each_account_its_path(session: Session) -> None:
    ids = add_funnel(session)
    explained = explain_metric(session, "funnel_win_rate", JAN, _query())
    rows = {r.external_id: r.amounts for r in explained.rows}
    assert set(rows) == {"A", "B", "C", "F"}  # the leads with an account (L4, L5: none)
    assert rows["A"] == {**_stages(1, 1, 1, 1, 1, 1, 1), "days_to_qualify": 4,
                         "days_to_win": 35, "days_to_value": 34}  # fmt: skip
    assert rows["C"] == {**_stages(1, 1, 1, 1, 0, 0, 0), "days_to_qualify": 2,
                         "days_to_win": 91, "days_to_value": 23}  # fmt: skip
    assert rows["F"]["qualified"] == 0
    assert explained.value == 0.75
    assert [r.account_id for r in explained.rows] == sorted(ids[n] for n in "ABCF")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("grain", "zone"),
    [(Grain.MONTH, "Asia/Tokyo"), (Grain.QUARTER, "Asia/Tokyo"), (Grain.MONTH, "Europe/Berlin")],
)
def test_duckdb_and_postgres_agree_on_the_funnel(grain: Grain, zone: str) -> None:
    with new_postgres_database() as url:
        upgrade(url)
        engine = create_db_engine(url)
        with transaction(session_factory(engine)) as session:
            add_funnel(session)
        query = _query(grain=grain, zone=zone)
        with session_factory(engine)() as session:
            embedded = compute_metrics(session, query, AnalyticsSource("duckdb"))
            in_place = compute_metrics(session, query, AnalyticsSource("postgres"))
        engine.dispose()
    assert [v.model_dump() for v in embedded] == [v.model_dump() for v in in_place]
    leads = next(v for v in embedded if v.metric == "funnel_leads")
    assert leads.breakdown
    assert leads.breakdown["won"] > 0
    if zone == "Europe/Berlin":  # CET = UTC + 1: L6 (Jan 1 23:00 UTC) comes in on Jan 2, L7
        # (Jan 31 15:30 UTC) in January, not February, so January holds L1–L7.
        assert leads.breakdown["leads"] == 7
