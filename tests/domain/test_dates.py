from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.dates import as_utc, local_midnight, parse_date, parse_instant
from kasasu.errors import InvalidInput


@pytest.mark.parametrize(
    "text",
    [
        "2026/11/22",
        "2026-11-22",
        "2026年11月22日",
        "2026/11/22 0:00",
        "令和8年11月22日",
        "２０２６／１１／２２",
    ],
)
def test_the_ways_a_day_is_written(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 22)


def test_reiwa_gannen_is_2019() -> None:
    assert parse_date("令和元年5月1日") == date(2019, 5, 1)


@pytest.mark.parametrize("text", ["2026/02/30", "22/11/2026", "明日", "2026/11/22 10:30"])
def test_not_a_day_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(text)


def test_instants_without_offset_are_in_the_reporting_zone() -> None:
    # 09:30 in Tokyo (UTC+9, no DST) is 00:30 UTC.
    assert parse_instant("2026/11/22 9:30", "Asia/Tokyo") == datetime(
        2026, 11, 22, 0, 30, tzinfo=UTC
    )
    assert parse_instant("2026-11-22T09:30:00+09:00", "UTC") == datetime(
        2026, 11, 22, 0, 30, tzinfo=UTC
    )
    assert parse_instant("2026-11-22T00:30Z", "Asia/Tokyo") == datetime(
        2026, 11, 22, 0, 30, tzinfo=UTC
    )
    # A bare date is that day's midnight in the zone.
    assert parse_instant("2026/11/22", "Asia/Tokyo") == datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def test_naive_values_are_read_in_the_zone() -> None:
    assert as_utc(datetime(2026, 7, 1, 12, 0), "America/New_York") == datetime(
        2026, 7, 1, 16, 0, tzinfo=UTC
    )
    assert local_midnight(date(2026, 4, 1), "Asia/Tokyo") == datetime(
        2026, 3, 31, 15, 0, tzinfo=UTC
    )


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_separator_gives_the_same_day(day: date) -> None:
    forms = [f"{day:%Y/%m/%d}", f"{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日"]
    assert {parse_date(text) for text in forms} == {day}
