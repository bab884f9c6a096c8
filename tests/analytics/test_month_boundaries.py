"""A month's MRR is its last day's: contracts starting on the 1st, ending on the last day,
amended on the 1st, on monthly, quarterly, yearly and fiscal-year grains, computed by hand
(tests/analytics/golden_boundaries.py) and equal on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics
from kasasu.warehouse.source import AnalyticsSource
from tests.analytics.golden_boundaries import add_boundaries
from tests.conftest import new_postgres_database

JAN, JUN = date(2026, 1, 1), date(2026, 6, 1)
KPIS = ("mrr_movements", "logo_churn_rate", "grr", "nrr", "cross_sell_rate")
KEYS = ("start", "new", "reactivation", "expansion", "contraction", "churn", "end")


def _moves(*values: int) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


# (start, new, reactivation, expansion, contraction, churn, end), by hand from the table.
MONTHS = {
    "2026-01": _moves(132_000, 0, 0, 0, 0, 20_000, 112_000),  # B7 paid through Dec 31
    "2026-02": _moves(112_000, 20_000, 0, 0, 0, 0, 132_000),  # B2 from Feb 15
    "2026-03": _moves(132_000, 0, 0, 10_000, 0, 12_000, 130_000),  # B3 + product; B5
    "2026-04": _moves(130_000, 30_000, 0, 0, 15_000, 10_000, 135_000),  # B1; B4 down; B6
    "2026-05": _moves(135_000, 0, 15_000, 0, 0, 0, 150_000),  # B7 back
    "2026-06": _moves(150_000, 0, 0, 0, 0, 0, 150_000),
}
# Logo churn: (churned, active on the month before's last day).
LOGO_CHURN = {
    "2026-01": (1, 5),
    "2026-02": (0, 4),
    "2026-03": (1, 5),
    "2026-04": (1, 4),
    "2026-05": (0, 4),
    "2026-06": (0, 5),
}
# GRR: (start − contraction − churn) ÷ start; NRR: end of the accounts active at start ÷ start.
GRR = {"2026-01": 112 / 132, "2026-02": 1, "2026-03": 120 / 132, "2026-04": 105 / 130}
NRR = {"2026-01": 112 / 132, "2026-02": 1, "2026-03": 130 / 132, "2026-04": 105 / 130}


def _values(session: Session, grain: Grain) -> dict[tuple[str, str], MetricValue]:
    q = MetricQuery(names=KPIS, first_month=JAN, last_month=JUN, grain=grain)
    return {(v.metric, v.period): v for v in compute_metrics(session, q)}


def test_monthly_movements_churn_and_retention_by_hand(session: Session) -> None:
    add_boundaries(session)
    v = _values(session, Grain.MONTH)
    assert {p: v["mrr_movements", p].breakdown for p in MONTHS} == MONTHS
    assert {p: (v["logo_churn_rate", p].numerator, v["logo_churn_rate", p].denominator)
            for p in LOGO_CHURN} == LOGO_CHURN  # fmt: skip
    for period, grr in GRR.items():
        assert v["grr", period].value == pytest.approx(grr), period
        assert v["nrr", period].value == pytest.approx(NRR[period]), period
    # March: B3 added a product it did not have — 1 of the 5 accounts paying on Feb 28.
    march = v["cross_sell_rate", "2026-03"]
    assert (march.numerator, march.denominator) == (1, 5)


def test_quarters_and_fiscal_years_agree_with_the_months(session: Session) -> None:
    add_boundaries(session)
    quarters = _values(session, Grain.QUARTER)
    # Q1 = Dec 31 → Mar 31: B2 new, B3 expansion, B5 and B7 churn.
    assert quarters["mrr_movements", "2026-Q1"].breakdown == _moves(
        132_000, 20_000, 0, 10_000, 0, 32_000, 130_000
    )
    # Q2 = Mar 31 → Jun 30: B1 new, B7 back, B4 down, B6 gone.
    assert quarters["mrr_movements", "2026-Q2"].breakdown == _moves(
        130_000, 30_000, 15_000, 0, 15_000, 10_000, 150_000
    )
    q1 = quarters["logo_churn_rate", "2026-Q1"]
    assert (q1.numerator, q1.denominator) == (2, 5)
    # Nobody changes direction inside a quarter, so the months add up to their quarter.
    for quarter, months in (("2026-Q1", ("01", "02", "03")), ("2026-Q2", ("04", "05", "06"))):
        summed = {k: sum(MONTHS[f"2026-{m}"][k] for m in months) for k in KEYS[1:-1]}
        breakdown = quarters["mrr_movements", quarter].breakdown
        assert breakdown is not None
        assert {k: breakdown[k] for k in KEYS[1:-1]} == summed
    years = _values(session, Grain.FISCAL_YEAR)
    # FY2025 = April 2025 – March 2026: nothing was paying on 2025-03-31, so everything paying
    # on 2026-03-31 is new — B6, which started on 2025-04-01, included; B5 and B7 came and went.
    assert years["mrr_movements", "FY2025"].breakdown == _moves(0, 130_000, 0, 0, 0, 0, 130_000)
    # FY2026 opens with March's end and, as nothing changes after May, closes as Q2 does.
    assert years["mrr_movements", "FY2026"].breakdown == _moves(
        130_000, 30_000, 15_000, 0, 15_000, 10_000, 150_000
    )


@pytest.mark.postgres
@pytest.mark.parametrize("grain", list(Grain))
def test_duckdb_and_postgres_agree_on_the_boundaries(grain: Grain) -> None:
    with new_postgres_database() as url:
        upgrade(url)
        engine = create_db_engine(url)
        with transaction(session_factory(engine)) as session:
            add_boundaries(session)
        q = MetricQuery(names=(), first_month=JAN, last_month=JUN, grain=grain)
        with session_factory(engine)() as session:
            embedded = compute_metrics(session, q, AnalyticsSource("duckdb"))
            in_place = compute_metrics(session, q, AnalyticsSource("postgres"))
        engine.dispose()
    assert [v.model_dump() for v in embedded] == [v.model_dump() for v in in_place]
    moved = {v.period: v.breakdown for v in embedded if v.metric == "mrr_movements"}
    if grain is Grain.MONTH:
        assert moved == MONTHS
