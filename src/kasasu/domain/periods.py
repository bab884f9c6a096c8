"""Reporting periods: calendar months, quarters and fiscal years of the reporting zone.

A period is [start, end): it starts at 00:00 of its first day and ends at 00:00 of the day
after its last, in the reporting zone; timestamps (answers, tickets, usage) fall in it by
those instants. Money follows the contract dates, which are whole local days (DESIGN.md §4):
a period's MRR is the MRR on its last day (``closing_day(end)``), and its start MRR is the
MRR on the last day of the period before (``closing_day(start)``). So a line starting on
April 1 is new in April, and a line whose last day is March 31 is in March's MRR and churns
in April.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_YEAR = "fiscal-year"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive
    label: str


def closing_day(boundary: date) -> date:
    """The last day of the period that ends at ``boundary`` (the next period's first day):
    the day whose MRR closes one period and opens the next."""
    return boundary - timedelta(days=1)


def shift_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or that month's last day if it is shorter
    (January 31 + 1 month = February 28)."""
    first = add_months(day, months)
    last = closing_day(add_months(first, 1))
    return first.replace(day=min(day.day, last.day))


def next_term_end(last_day: date, term_months: int) -> date:
    """The last day of the term that follows a term ending on ``last_day``: a yearly term
    ending 2026-03-31 renews to 2027-03-31; a monthly one ending 2026-01-14 to 2026-02-14."""
    return closing_day(shift_months(last_day + timedelta(days=1), term_months))


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole months from the first of one month to the first of another."""
    return (end.year - start.year) * 12 + end.month - start.month


def parse_month(text: str) -> date:
    """``2026-04`` or ``2026/04`` → the first day of that month."""
    match = re.fullmatch(r"\s*(\d{4})[-/年](\d{1,2})月?\s*", text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(_("Not a month: {value} (write it like 2026-04)", value=text))
    return date(int(match.group(1)), int(match.group(2)), 1)


def _fiscal_label(start: date, fiscal_year_start: int) -> str:
    # A fiscal year is named by the calendar year it starts in (FY2026 = April 2026-March 2027),
    # as Japanese companies name 2026年度.
    return f"FY{start.year}" if fiscal_year_start != 1 else str(start.year)


# A report spans at most ten years, between 2000 and 2100 (security review F10: a span of
# two centuries kept a core busy for minutes on one request).
MAX_MONTHS = 120
FIRST_YEAR, LAST_YEAR = 2000, 2100


def periods(first: date, last: date, grain: Grain, fiscal_year_start: int = 4) -> list[Period]:
    """The periods of ``grain`` that contain the months from ``first`` to ``last`` inclusive."""
    first, last = first.replace(day=1), last.replace(day=1)
    if last < first:
        raise InvalidInput(_("The period ends before it starts"))
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise InvalidInput(
            _("Months from {first} to {last} only", first=FIRST_YEAR, last=LAST_YEAR)
        )
    if months_between(first, last) >= MAX_MONTHS:
        raise InvalidInput(_("At most {n} months at once", n=MAX_MONTHS))
    if grain is Grain.MONTH:
        step, anchor = 1, first
    elif grain is Grain.QUARTER:
        step, anchor = 3, date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    else:
        step = 12
        offset = (first.month - fiscal_year_start) % 12
        anchor = add_months(first, -offset)
    found: list[Period] = []
    start = anchor
    while start <= last:
        end = add_months(start, step)
        found.append(Period(start, end, _label(start, grain, fiscal_year_start)))
        start = end
    return found


def _label(start: date, grain: Grain, fiscal_year_start: int) -> str:
    if grain is Grain.MONTH:
        return f"{start:%Y-%m}"
    if grain is Grain.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return _fiscal_label(start, fiscal_year_start)
