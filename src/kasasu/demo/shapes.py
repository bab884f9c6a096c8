"""The in-memory shape of one demo customer while its history is generated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kasasu.demo.catalog import CORE, interval_amount
from kasasu.demo.timeline import Calendar, add_months, months_between
from kasasu.domain.choices import CancellationReason, SubscriptionStatus

Row = dict[str, Any]
RISK_MONTHS = 4.0  # how long before a churn its warning signs start to show


@dataclass
class Line:
    """One subscription line; a change of seats or plan ends it and starts another."""

    product: str
    plan: str
    seats: int | None
    monthly: int  # price per month, JPY
    yearly: bool
    start: date
    anchor: date  # the first renewal date; later ones are 1 or 12 months apart
    end: date | None = None
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    reason: CancellationReason | None = None
    comment: str | None = None

    def renewal_after(self, day: date) -> date:
        """The first renewal date strictly after ``day``."""
        step = 12 if self.yearly else 1
        k = 0
        while (renewal := add_months(self.anchor, step * k)) <= day:
            k += 1
        return renewal

    @property
    def mrr(self) -> int:
        """Monthly recurring revenue: a yearly price counts one twelfth per month."""
        return round(interval_amount(self.monthly, yearly=self.yearly) / (12 if self.yearly else 1))

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class Period:
    """A stretch of being a customer; ``churn_on`` may lie after the data (churn to come)."""

    start: date
    churn_on: date | None
    reason: CancellationReason
    comment: str

    def stop(self, as_of: date) -> date:
        """The first day this period is no longer a customer, capped at the data's end."""
        return as_of if self.churn_on is None else min(self.churn_on, as_of)

    def risk(self, day: date) -> float:
        """0 when healthy, rising to 1 as the churn date comes near."""
        if self.churn_on is None:
            return 0.0
        months = months_between(day, self.churn_on)
        return min(1.0, max(0.0, 1.0 - months / RISK_MONTHS))


@dataclass
class DemoAccount:
    """One customer while it is being generated; later steps fill in its history."""

    index: int
    id: int
    external_id: str
    name: str
    name_kana: str
    domain: str
    industry: str
    employee_band: str
    plan: str  # the core plan it first bought
    seats: int
    yearly: bool
    fiscal_aligned: bool  # yearly terms end on 1 April (the Japanese fiscal year)
    engagement: float  # how keen its users are, around 1.0
    acquired_on: date
    custom_fields: dict[str, str]
    contacts: list[Row] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    owner_id: int | None = None

    def period_on(self, day: date, as_of: date) -> Period | None:
        for period in self.periods:
            if period.start <= day < period.stop(as_of):
                return period
        return None

    def mrr_on(self, day: date) -> int:
        return sum(line.mrr for line in self.lines if line.active_on(day))

    def seats_on(self, day: date) -> int:
        """Core seats on ``day`` (lines are kept in the order they started)."""
        seats = self.seats
        for line in self.lines:
            if line.product == CORE and line.start <= day and line.seats:
                seats = line.seats
        return seats

    def core_plan_on(self, day: date) -> str:
        """The core plan active on ``day``, else the last one bought before it."""
        plan = self.plan
        for line in self.lines:
            if line.product == CORE and line.start <= day:
                plan = line.plan
        return plan


def active_months(cal: Calendar, account: DemoAccount) -> Iterator[tuple[Period, date, date]]:
    """(period, first day, day after the last) of each calendar month the account is a customer."""
    months = cal.month_starts()
    for period in account.periods:
        stop = period.stop(cal.as_of)
        for month in months:
            lo, hi = max(month, period.start), min(add_months(month, 1), stop)
            if lo < hi:
                yield period, lo, hi


def number(rows: list[Row], first_id: int, prefix: str) -> list[Row]:
    """Give rows ids and external ids in list order (the order is part of determinism)."""
    for i, row in enumerate(rows):
        row["id"] = first_id + i
        row["external_id"] = f"{prefix}-{i + 1:06d}"
    return rows
