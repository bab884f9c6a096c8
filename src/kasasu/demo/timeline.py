"""The demo's calendar: which days it covers, and instants on them in the reporting zone.

The data covers whole local days from the first day of the first month up to, not
including, the as-of date, so nothing generated lies in the future of the as-of date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

WEEKEND_WEIGHT = 0.12  # B2B software is used on weekends, but little
# Share of work per local hour 0-23: a Japanese office day with a lunch dip.
HOUR_WEIGHTS = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 9, 11, 10, 5, 9, 10, 10, 9, 8, 6, 4, 3, 2, 1, 0.5]
)
HOUR_CDF = np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> float:
    return (end - start).days / 30.44


def next_april_first(day: date, *, min_months: int = 3) -> date:
    """The first 1 April at least ``min_months`` after ``day`` (Japanese fiscal year)."""
    candidate = date(day.year, 4, 1)
    while candidate < add_months(day, min_months):
        candidate = date(candidate.year + 1, 4, 1)
    return candidate


@dataclass(frozen=True)
class Calendar:
    start: date
    as_of: date  # exclusive: the first day with no data
    zone: str
    day_starts_us: np.ndarray = field(repr=False, compare=False)  # local midnights, UTC µs
    day_cdf: np.ndarray = field(repr=False, compare=False)  # cumulative weekday weights

    @classmethod
    def ending(cls, as_of: date, months: int, zone: str) -> Calendar:
        last_day = as_of - timedelta(days=1)
        start = add_months(last_day.replace(day=1), -(months - 1))
        tz = ZoneInfo(zone)
        count = (as_of - start).days
        days = [start + timedelta(days=i) for i in range(count + 1)]
        starts = np.array(
            [int(datetime.combine(d, time(0), tz).timestamp() * 1_000_000) for d in days],
            dtype=np.int64,
        )
        weights = np.array([1.0 if d.weekday() < 5 else WEEKEND_WEIGHT for d in days[:-1]])
        cdf = np.concatenate([[0.0], np.cumsum(weights)])
        return cls(start, as_of, zone, starts, cdf)

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days

    def day_index(self, day: date) -> int:
        return (day - self.start).days

    def day_of(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def month_starts(self) -> list[date]:
        months, current = [], self.start
        while current < self.as_of:
            months.append(current)
            current = add_months(current, 1)
        return months

    def instant(self, day: date, hour: float = 10.0) -> datetime:
        """``hour`` o'clock local time on ``day``, as aware UTC."""
        local = datetime.combine(day, time(0), ZoneInfo(self.zone)) + timedelta(hours=hour)
        return local.astimezone(UTC)

    def working_day(self, rng: np.random.Generator, lo: date, hi: date) -> date:
        """A day in [lo, hi), weekdays far likelier than weekends; ``lo`` when empty."""
        a, b = max(0, self.day_index(lo)), min(self.days, self.day_index(hi))
        if b <= a:
            return lo
        u = self.day_cdf[a] + rng.random() * (self.day_cdf[b] - self.day_cdf[a])
        index = int(np.searchsorted(self.day_cdf, u, side="right")) - 1
        return self.day_of(min(max(index, a), b - 1))

    def working_instant(self, rng: np.random.Generator, lo: date, hi: date) -> datetime:
        """An office-hours instant on a working day in [lo, hi)."""
        day = self.working_day(rng, lo, hi)
        hour = int(np.searchsorted(HOUR_CDF, rng.random(), side="right"))
        return self.instant(day, min(hour, 23) + float(rng.random()))

    def clip(self, moment: datetime) -> datetime | None:
        """``moment`` if it is before the end of the data, else None (not happened yet)."""
        end = self.instant(self.as_of, 0.0)
        return moment if moment < end else None
