"""Local calendar days as whole numbers (days since 1970-01-01), so that an engine counts
the days between two stages exactly, with no time-zone function of its own.

An instant's local day is ⌊(seconds since the epoch + the zone's UTC offset then) ÷ 86,400⌋.
The offset changes only at a zone's transitions (daylight saving), so it is given as a few
spans of seconds computed here from the zone database; Asia/Tokyo has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86_400
# The ends of time for a span: what a 64-bit integer holds, with room for an offset.
FIRST_SECOND, LAST_SECOND = -(2**62), 2**62


@dataclass(frozen=True)
class OffsetSpan:
    start: int  # epoch second, inclusive
    until: int  # epoch second, exclusive
    offset: int  # seconds east of UTC


def day_number(day: date) -> int:
    """``day`` as days since 1970-01-01."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


def _offset(zone: ZoneInfo, second: int) -> int:
    shift = datetime.fromtimestamp(second, UTC).astimezone(zone).utcoffset()
    return int(shift.total_seconds()) if shift is not None else 0


def offset_spans(zone: str, first: date, last: date) -> list[OffsetSpan]:
    """The zone's UTC offsets as spans covering all time: exact from ``first`` to ``last``
    (the first span reaches back, the last one forward, with the offsets at those ends).

    The offset is read once a day, then each change found to the second by bisection: a
    zone changes its offset at most a few times a year, never twice within a day.
    """
    tz = ZoneInfo(zone)
    day = int(datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC).timestamp())
    stop = int(datetime.combine(last + timedelta(days=2), datetime.min.time(), UTC).timestamp())
    starts, offsets = [FIRST_SECOND], [_offset(tz, day)]
    while day < stop:
        after = day + DAY_SECONDS
        if _offset(tz, after) != offsets[-1]:
            low, high = day, after  # the offset at low is the old one, at high the new one
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _offset(tz, middle) == offsets[-1] else (low, middle)
            starts.append(high)
            offsets.append(_offset(tz, high))
        day = after
    untils = [*starts[1:], LAST_SECOND]
    return [OffsetSpan(s, u, o) for s, u, o in zip(starts, untils, offsets, strict=True)]


def local_day_number(instant: datetime, spans: list[OffsetSpan]) -> int:
    """The local day of ``instant`` (aware) as a day number, by ``spans`` (for tests and
    for reading a day number back)."""
    second = int(instant.timestamp() // 1)
    offset = next(s.offset for s in spans if s.start <= second < s.until)
    return (second + offset) // DAY_SECONDS
