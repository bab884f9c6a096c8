"""Active account rate, DAU/MAU and time to value on tests/analytics/golden_usage.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric
from kasasu.warehouse.source import AnalyticsSource
from tests.analytics.golden import add_golden
from tests.analytics.golden_usage import add_first_values, write_events

JAN, MAR = date(2026, 1, 1), date(2026, 3, 1)
MONTHS = ("2026-01", "2026-02", "2026-03")


def _values(
    session: Session, *names: str, events: Path | None = None, **query: object
) -> dict[tuple[str, str], MetricValue]:
    q = MetricQuery(names=names, first_month=JAN, last_month=MAR, **query)  # type: ignore[arg-type]
    return {
        (v.metric, v.period): v
        for v in compute_metrics(session, q, AnalyticsSource(events_path=events))
    }


def test_active_account_rate_by_hand(session: Session, tmp_path: Path) -> None:
    add_golden(session)
    v = _values(session, "active_account_rate", events=write_events(tmp_path / "events.duckdb"))
    # Jan: A1, A3 (Jan 31 JST), A4 (an event without a user counts) of A1..A6 → 3 ÷ 6.
    # Feb: A3 (Jan 31 and Feb 1 JST) of A1, A3, A4, A5, A6 → 1 ÷ 5; Mar: no event → 0 ÷ 5.
    assert [(v["active_account_rate", p].numerator, v["active_account_rate", p].denominator)
            for p in MONTHS] == [(3, 6), (1, 5), (0, 5)]  # fmt: skip
    assert v["active_account_rate", "2026-01"].value == 0.5


def test_dau_mau_by_hand(session: Session, tmp_path: Path) -> None:
    add_golden(session)
    v = _values(session, "dau_mau", events=write_events(tmp_path / "events.duckdb"))
    # Jan, A1: Jan 10 {u1, u2}, Jan 11 {u1} → (2 + 1) ÷ 30 = 0.1 daily, 2 monthly → 0.05.
    #      A3: Jan 31 {u9} → (1 ÷ 30) ÷ 1. A4 has no user, so no ratio. Mean of the two.
    jan = v["dau_mau", "2026-01"]
    assert jan.denominator == 2
    assert jan.value == pytest.approx((0.05 + 1 / 30) / 2)
    # Feb, A3: Jan 31 {u9}, Feb 1 {u8} → (2 ÷ 30) ÷ 2.
    assert (v["dau_mau", "2026-02"].value, v["dau_mau", "2026-02"].denominator) == (
        pytest.approx(1 / 30),
        1,
    )
    assert v["dau_mau", "2026-03"].value is None


def test_usage_filtered_by_plan(session: Session, tmp_path: Path) -> None:
    add_golden(session)
    events = write_events(tmp_path / "events.duckdb")
    v = _values(session, "active_account_rate", events=events, filters={"plan": "Pro"})
    # Pro: A1 and A3, both used in January.
    assert v["active_account_rate", "2026-01"].value == 1


def test_no_event_store_means_no_value(session: Session, tmp_path: Path) -> None:
    add_golden(session)
    for events in (None, tmp_path / "missing.duckdb"):
        v = _values(session, "active_account_rate", "dau_mau", events=events)
        assert {x.value for x in v.values()} == {None}


def test_explain_active_account_rate(session: Session, tmp_path: Path) -> None:
    add_golden(session)
    events = write_events(tmp_path / "events.duckdb")
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(
        session, "active_account_rate", JAN, q, AnalyticsSource(events_path=events)
    )
    counts = {r.external_id: r.amounts["events"] for r in explained.rows}
    assert counts == {"A1": 3, "A2": 0, "A3": 1, "A4": 1, "A5": 0, "A6": 0}


def test_time_to_value_by_hand(session: Session) -> None:
    add_first_values(session)
    v = _values(session, "time_to_value")
    # Jan: V1 9, V3 11, V4 28 days → 11. Feb: V2 (Feb 1 JST) Dec 20 → Feb 1 = 43 days.
    assert [(v["time_to_value", p].value, v["time_to_value", p].breakdown) for p in MONTHS] == [
        (11, {"n": 3}),
        (43, {"n": 1}),
        (None, {"n": 0}),
    ]


def test_explain_time_to_value(session: Session) -> None:
    add_first_values(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(session, "time_to_value", JAN, q)
    assert {r.external_id: r.amounts["days"] for r in explained.rows} == {
        "V1": 9,
        "V3": 11,
        "V4": 28,
    }
