"""Survey trends (NPS, CSAT, CES by period, plan and segment) on tests/needs/voice_data.py (by
hand)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery
from kasasu.surveys.trends import survey_results
from tests.needs.voice_data import MONTH, add_voice_book

HALF = 1.96 * 100 * math.sqrt(0.1875)
CSAT_HALF = 1.96 * math.sqrt(0.75 * 0.25 / 4)


def _query(first: object = MONTH, grain: Grain = Grain.MONTH) -> MetricQuery:
    return MetricQuery(names=(), first_month=first, last_month=MONTH, grain=grain)  # type: ignore[arg-type]  # a date


def test_results_by_period_plan_and_segment(session: Session) -> None:
    add_voice_book(session)
    from datetime import date

    got = survey_results(session, _query(date(2026, 10, 1)))
    assert [r.label for r in got.trend] == ["2026-10", "2026-11"]
    october, november = (r.scores["nps"] for r in got.trend)
    assert (october.value, october.n) == (100.0, 1)
    assert (november.value, november.n, november.change) == (50.0, 4, -50.0)
    assert november.ci_low == pytest.approx(50 - HALF)
    assert november.ci_high == 100.0
    csat = got.trend[1].scores["csat"]
    assert (csat.value, csat.n) == (0.75, 4)
    assert csat.ci_low == pytest.approx(0.75 - CSAT_HALF)
    assert csat.ci_high == 1.0
    plans = {r.label: r.scores["nps"] for r in got.by_plan}
    assert (plans["Pro"].value, plans["Pro"].ci_low, plans["Pro"].ci_high) == (100.0, 100.0, 100.0)
    assert (plans["Basic"].value, plans["Basic"].ci_low, plans["Basic"].ci_high) == (
        0.0,
        -100.0,
        100.0,
    )
    [vip] = got.by_segment
    assert (vip.label, vip.scores["nps"].value, vip.scores["nps"].n) == ("vip", 100.0, 2)
    in_vip = survey_results(session, _query(date(2026, 10, 1)), segment="vip")
    assert [(r.scores["nps"].value, r.scores["nps"].n) for r in in_vip.trend] == [
        (None, 0),
        (100.0, 2),
    ]
    basic = survey_results(session, _query(date(2026, 10, 1)), plan="Basic")
    assert [(r.scores["nps"].value, r.scores["nps"].n) for r in basic.trend] == [
        (100.0, 1),
        (0.0, 2),
    ]
