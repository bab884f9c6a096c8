"""Loyal customers and advocates on tests/needs/voice_data.py (by hand)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kasasu.advocacy.service import advocates, loyal_customers, set_reference, tenure_months
from kasasu.domain.periods import Grain
from kasasu.errors import NotFound
from kasasu.metrics.schemas import MetricQuery
from tests.needs.voice_data import MONTH, add_voice_book


def _query(first: object = MONTH, grain: Grain = Grain.MONTH) -> MetricQuery:
    return MetricQuery(names=(), first_month=first, last_month=MONTH, grain=grain)  # type: ignore[arg-type]  # a date


def test_loyal_customers_are_the_kpis_and_green_when_asked(session: Session) -> None:
    ids = add_voice_book(session)
    green = loyal_customers(session, MONTH, _query())
    assert green.period == "2026-11"
    assert [(r.account_id, r.mrr, r.tenure_months, r.nps, r.band) for r in green.customers] == [
        (ids["L1"], 100_000, 23, 10, "green")
    ]
    every = loyal_customers(session, MONTH, _query(), require_green=False)
    assert [r.account_id for r in every.customers] == [ids["L1"], ids["L4"]]


def test_advocates_are_promoters_who_agreed(session: Session) -> None:
    ids = add_voice_book(session)
    assert [(a.contact_id, a.score) for a in advocates(session)] == [
        (ids["C1"], 10),
        (ids["C2"], 9),
    ]
    set_reference(session, ids["C4"], agreed=True)
    set_reference(session, ids["C2"], agreed=False)
    assert [a.contact_id for a in advocates(session)] == [ids["C1"], ids["C4"]]
    with pytest.raises(NotFound):
        set_reference(session, 999_999, agreed=True)


def test_tenure_counts_whole_months() -> None:
    from datetime import date

    assert tenure_months(date(2025, 1, 1), date(2026, 12, 1)) == 23
    assert tenure_months(date(2025, 1, 15), date(2025, 2, 14)) == 0
    assert tenure_months(date(2025, 1, 15), date(2025, 2, 15)) == 1
