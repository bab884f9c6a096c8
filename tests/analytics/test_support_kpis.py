"""Support KPIs on tests/analytics/golden_support.py, and the exact median on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import ibis
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kasasu.analytics.kpis_support import median, whole_seconds
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics, explain_metric
from tests.analytics.golden_support import add_tickets
from tests.analytics.golden_voice import utc

JAN, MAR = date(2026, 1, 1), date(2026, 3, 1)


def _values(session: Session, *names: str) -> dict[tuple[str, str], MetricValue]:
    q = MetricQuery(names=names, first_month=JAN, last_month=MAR)
    return {(v.metric, v.period): v for v in compute_metrics(session, q)}


def test_tickets_opened_and_resolved_by_hand(session: Session) -> None:
    add_tickets(session)
    v = _values(session, "tickets_opened", "tickets_resolved")
    # Jan: opened T1, T2, T3, T4 (23:59:59 JST), T7; Feb: T5 (00:00 JST).
    assert [v["tickets_opened", p].value for p in ("2026-01", "2026-02", "2026-03")] == [5, 1, 0]
    # Jan: resolved T1, T2, T7 and T6 (opened in December); Feb: T4 (Feb 1 09:00 JST), T5.
    assert [v["tickets_resolved", p].value for p in ("2026-01", "2026-02", "2026-03")] == [4, 2, 0]


def test_median_response_and_resolution_hours_by_hand(session: Session) -> None:
    add_tickets(session)
    v = _values(session, "first_response_hours", "resolution_hours")
    # Jan first responses: 1.5, 2 (T1 to the second), 3, 4 → even: (2 + 3) ÷ 2.
    first = v["first_response_hours", "2026-01"]
    assert (first.value, first.breakdown) == (2.5, {"n": 4})
    # Jan resolutions of tickets opened in Jan: T4 9 h 1 s, T1 10, T7 20, T2 30 → (10 + 20) ÷ 2.
    assert v["resolution_hours", "2026-01"].value == 15
    # Feb: T5 alone; March: no ticket, no value.
    assert v["first_response_hours", "2026-02"].value == 3
    assert v["resolution_hours", "2026-02"].value == 5
    march = v["resolution_hours", "2026-03"]
    assert (march.value, march.breakdown) == (None, {"n": 0})


def test_explain_resolution_hours(session: Session) -> None:
    add_tickets(session)
    q = MetricQuery(names=(), first_month=JAN, last_month=JAN)
    explained = explain_metric(session, "resolution_hours", JAN, q)
    [row] = explained.rows
    assert row.amounts == {"tickets": 4, "median_hours": 15}


@pytest.fixture
def both_engines(postgresql_database: str) -> Iterator[list[Any]]:
    url = sa.make_url(postgresql_database)
    backends = [
        ibis.duckdb.connect(),
        ibis.postgres.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database,
        ),
    ]
    yield backends
    for backend in backends:
        backend.disconnect()


def test_median_and_seconds_agree_on_duckdb_and_postgres(both_engines: list[Any]) -> None:
    values = ibis.memtable(
        {
            "g": ["odd"] * 3 + ["even"] * 4 + ["tenths"] * 2 + ["one"],
            "x": [3.0, 1.0, 2.0, 4.0, 1.0, 3.0, 2.0, 0.1, 0.2, 7.0],
        },
        schema={"g": "string", "x": "float64"},
    )
    instants = ibis.memtable(
        {"at": [utc(2026, 1, 5, 0, 0, 0, 999_999), utc(1970, 1, 1, 0, 0, 1)]},
        schema={"at": "timestamp('UTC')"},
    )
    expected = {"odd": (2.0, 3), "even": (2.5, 4), "tenths": ((0.1 + 0.2) / 2, 2), "one": (7.0, 1)}
    for backend in both_engines:
        rows = backend.to_pyarrow(median(values, ["g"], "x")).to_pylist()
        assert {r["g"]: (r["median"], r["n"]) for r in rows} == expected
        seconds = backend.to_pyarrow(instants.select(s=whole_seconds(instants.at)))
        # 2026-01-05 00:00:00.999999 UTC is 1,767,571,200 s after the epoch, truncated.
        assert seconds.column("s").to_pylist() == [1_767_571_200, 1]
