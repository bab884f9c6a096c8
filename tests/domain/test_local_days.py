"""Local days as numbers: the offset spans give every instant its day in the zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.local_days import day_number, from_day_number, local_day_number, offset_spans

FIRST, LAST = date(2024, 1, 1), date(2027, 12, 31)
ZONES = ("Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Adelaide")
SPANS = {zone: offset_spans(zone, FIRST, LAST) for zone in ZONES}


def test_tokyo_is_one_span_and_berlin_changes_twice_a_year() -> None:
    [tokyo] = SPANS["Asia/Tokyo"]
    assert tokyo.offset == 9 * 3600
    berlin = SPANS["Europe/Berlin"]
    assert len(berlin) == 1 + 2 * 4  # summer time starts and ends in each of the four years
    # 2025-03-30 01:00 UTC: 02:00 CET becomes 03:00 CEST.
    start = int(datetime(2025, 3, 30, 1, tzinfo=UTC).timestamp())
    assert any(s.start == start and s.offset == 7200 for s in berlin)


@given(
    zone=st.sampled_from(ZONES),
    instant=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59)
    ),
)
def test_the_local_day_of_any_instant(zone: str, instant: datetime) -> None:
    aware = instant.replace(tzinfo=UTC)
    expected = aware.astimezone(ZoneInfo(zone)).date()
    assert from_day_number(local_day_number(aware, SPANS[zone])) == expected


@given(st.dates())
def test_day_numbers_count_days(day: date) -> None:
    assert from_day_number(day_number(day)) == day
    assert day_number(day) == (day - date(1970, 1, 1)) // timedelta(days=1)
