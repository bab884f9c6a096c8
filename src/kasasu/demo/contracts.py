"""Each customer's contract history: sign-up, renewals, upsell, cross-sell, contraction,
churn with a reason, and sometimes a return.

Yearly contracts mostly run to 31 March and renew on 1 April, the start of the Japanese
fiscal year, so most yearly renewals (and yearly churn) fall in April. A churn date is drawn
for every customer, also when it lies after the data: those customers show warning signs at
the as-of date.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from kasasu.demo import catalog, texts
from kasasu.demo.shapes import DemoAccount, Line, Period, Row
from kasasu.demo.timeline import Calendar, add_months, next_april_first
from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    RenewalOutcome,
    SubscriptionStatus,
)

INTERVALS = {True: BillingInterval.YEAR, False: BillingInterval.MONTH}
REACTIVATION = 0.12  # share of churned customers who come back
UPSELL = {"Starter": 0.025, "Pro": 0.02, "Enterprise": 0.015}  # per healthy month
CROSS_SELL = {catalog.ANALYTICS: 0.012, catalog.SUPPORT_PLUS: 0.008}
CONTRACTION = 0.004  # per month, rising to 0.05 as churn nears
ADDON_DROP_REASONS = (
    CancellationReason.PRICE,
    CancellationReason.MISSING_FEATURES,
    CancellationReason.HARD_TO_USE,
)


def simulate_contracts(seed: int, cal: Calendar, accounts: list[DemoAccount]) -> None:
    rng = np.random.default_rng([seed, 3])
    for account in accounts:
        _simulate_account(rng, cal, account)


def _simulate_account(rng: np.random.Generator, cal: Calendar, account: DemoAccount) -> None:
    start, plan, seats, yearly = account.acquired_on, account.plan, account.seats, account.yearly
    while True:
        anchor = _first_renewal(start, yearly=yearly, aligned=account.fiscal_aligned)
        period = _period(rng, account, plan, start, anchor, yearly=yearly)
        account.periods.append(period)
        monthly = catalog.core_monthly_price(plan, seats)
        core = Line(catalog.CORE, plan, seats, monthly, yearly, start, anchor)
        lines = [core]
        _evolve(rng, cal, account, period, lines)
        _close(cal, period, lines)
        account.lines.extend(lines)
        if not _returns(rng, cal, account, period):
            return
        assert period.churn_on is not None  # _returns is False for customers who stay
        start = add_months(period.churn_on, int(rng.integers(2, 10)))
        if start >= cal.as_of - timedelta(days=7):
            return
        # Returning customers start small and monthly, as they try again.
        plan, yearly = ("Starter", False) if rng.random() < 0.6 else (plan, False)
        seats = int(rng.integers(*catalog.PRICES[plan].seats))


def _returns(rng: np.random.Generator, cal: Calendar, account: DemoAccount, period: Period) -> bool:
    churned = period.churn_on is not None and period.churn_on < cal.as_of
    return churned and len(account.periods) < 2 and bool(rng.random() < REACTIVATION)


def _first_renewal(start: date, *, yearly: bool, aligned: bool) -> date:
    if not yearly:
        return add_months(start, 1)
    return next_april_first(start) if aligned else add_months(start, 12)


def _period(
    rng: np.random.Generator,
    account: DemoAccount,
    plan: str,
    start: date,
    anchor: date,
    *,
    yearly: bool,
) -> Period:
    """When this stretch ends (monthly lines at a monthly, yearly at a yearly renewal), and why."""
    hazard = min(0.2, catalog.PRICES[plan].monthly_churn / account.engagement**0.7)
    if yearly:
        terms = int(rng.geometric(1 - (1 - hazard) ** 12))
        churn_on = add_months(anchor, 12 * (terms - 1))
    else:
        churn_on = add_months(start, int(rng.geometric(hazard)))
    weights = catalog.REASON_WEIGHTS[plan]
    reasons = list(weights)
    p = np.array([weights[r] for r in reasons])
    reason = reasons[int(rng.choice(len(reasons), p=p / p.sum()))]
    comments = texts.CANCEL_COMMENTS[reason]
    return Period(start, churn_on, reason, comments[int(rng.integers(len(comments)))])


def _evolve(
    rng: np.random.Generator,
    cal: Calendar,
    account: DemoAccount,
    period: Period,
    lines: list[Line],
) -> None:
    """Month by month: healthy customers grow and add products, fading ones shrink."""
    stop = period.stop(cal.as_of)
    month = 1
    while (day := add_months(period.start, month)) < stop:
        month += 1
        risk = period.risk(day)
        draws = rng.random(3)
        if risk == 0 and draws[0] < UPSELL[_core(lines).plan] * account.engagement:
            _upsell(rng, lines, day)
        elif risk == 0 and draws[1] < sum(CROSS_SELL.values()):
            _cross_sell(rng, lines, day)
        elif draws[2] < CONTRACTION + 0.05 * risk:
            _contract(rng, lines, day)


def _core(lines: list[Line]) -> Line:
    return next(x for x in reversed(lines) if x.product == catalog.CORE and x.end is None)


def _replace(lines: list[Line], old: Line, day: date, plan: str, seats: int) -> None:
    old.end, old.status = day, SubscriptionStatus.ENDED
    anchor = old.renewal_after(day) if old.yearly else add_months(day, 1)
    monthly = catalog.core_monthly_price(plan, seats)
    new = dataclasses.replace(
        old, plan=plan, seats=seats, monthly=monthly, start=day, anchor=anchor, end=None,
        status=SubscriptionStatus.ACTIVE,
    )  # fmt: skip
    lines.append(new)


def _upsell(rng: np.random.Generator, lines: list[Line], day: date) -> None:
    core = _core(lines)
    seats = core.seats or 1
    if core.plan != "Enterprise" and rng.random() < 0.35:
        plan = catalog.PLANS[catalog.PLANS.index(core.plan) + 1]
        _replace(lines, core, day, plan, max(seats, catalog.PRICES[plan].included_seats))
    else:
        _replace(lines, core, day, core.plan, seats + max(1, round(seats * rng.uniform(0.15, 0.5))))


def _cross_sell(rng: np.random.Generator, lines: list[Line], day: date) -> None:
    owned = {x.product for x in lines if x.end is None}
    missing = [p for p in CROSS_SELL if p not in owned]
    if not missing:
        return
    product = missing[int(rng.integers(len(missing)))]
    core = _core(lines)
    anchor = core.renewal_after(day) if core.yearly else add_months(day, 1)
    monthly = catalog.ADDON_PRICES[product][core.plan]
    lines.append(Line(product, core.plan, None, monthly, core.yearly, day, anchor))


def _contract(rng: np.random.Generator, lines: list[Line], day: date) -> None:
    """Drop an add-on (a cancellation with a reason) or give back seats."""
    addons = [x for x in lines if x.end is None and x.product != catalog.CORE]
    if addons and rng.random() < 0.5:
        addon = addons[int(rng.integers(len(addons)))]
        reason = ADDON_DROP_REASONS[int(rng.integers(len(ADDON_DROP_REASONS)))]
        comments = texts.CANCEL_COMMENTS[reason]
        addon.end, addon.status = day, SubscriptionStatus.CANCELLED
        addon.reason, addon.comment = reason, comments[int(rng.integers(len(comments)))]
        return
    core = _core(lines)
    seats = core.seats or 1
    fewer = max(3, round(seats * rng.uniform(0.6, 0.85)))
    if fewer < seats:
        _replace(lines, core, day, core.plan, fewer)


def _close(cal: Calendar, period: Period, lines: list[Line]) -> None:
    """Cancel every open line at churn; lines still running end at their next renewal."""
    churned = period.churn_on is not None and period.churn_on < cal.as_of
    for line in lines:
        if line.end is not None and line.end <= cal.as_of:
            continue
        if churned:
            line.end, line.status = period.churn_on, SubscriptionStatus.CANCELLED
            line.reason, line.comment = period.reason, period.comment
        else:
            line.status = SubscriptionStatus.ACTIVE


def subscription_rows(cal: Calendar, accounts: list[DemoAccount], first_id: int) -> list[Row]:
    """The lines as stored. The simulation marks a line's end by the first day without it;
    a stored end or cancellation date is the last day of service (DESIGN.md §4), the day
    before: a yearly line from 2025-04-01 ends on 2026-03-31."""
    rows: list[Row] = []
    last_day = cal.as_of - timedelta(days=1)
    for account in accounts:
        for line in account.lines:
            row_id = first_id + len(rows)
            created = cal.instant(line.start, 10.0)
            active = line.status is SubscriptionStatus.ACTIVE
            stop = line.renewal_after(last_day) if active else line.end
            end = None if stop is None else stop - timedelta(days=1)
            touched = created if active or line.end is None else cal.instant(line.end, 9.0)
            rows.append(
                {
                    "id": row_id,
                    "external_id": f"SUB-{row_id - first_id + 1:06d}",
                    "account_id": account.id,
                    "product": line.product,
                    "plan": line.plan,
                    "seats": line.seats,
                    "amount": catalog.interval_amount(line.monthly, yearly=line.yearly),
                    "currency": "JPY",
                    "billing_interval": INTERVALS[line.yearly],
                    "start_date": line.start,
                    "end_date": end,
                    "auto_renew": active,
                    "status": line.status,
                    "cancelled_on": end if line.reason is not None else None,
                    "cancel_reason": line.reason,
                    "cancel_comment": line.comment,
                    "created_at": created,
                    "updated_at": min(touched, cal.instant(last_day, 18.0)),
                }
            )
    return rows


def renewal_rows(
    cal: Calendar, accounts: list[DemoAccount], subscriptions: list[Row], first_id: int
) -> list[Row]:
    """The yearly renewals the CSMs recorded before the data's end: each term end of a yearly
    line that went on (renewed), and each one at which the customer left (churned, with the
    line's reason). ``subscriptions`` are the rows of ``subscription_rows``, in its order."""
    lines = [line for account in accounts for line in account.lines]
    rows: list[Row] = []
    for line, sub in zip(lines, subscriptions, strict=True):
        if not line.yearly:
            continue
        stop = min(line.end or cal.as_of, cal.as_of)
        k = 0
        while (renews := add_months(line.anchor, 12 * k)) <= stop:
            k += 1
            churned = renews == line.end and line.reason is not None
            if renews == stop and not churned:
                break  # ended here by an upgrade, or at the data's end: nothing recorded
            rows.append(
                {
                    "id": first_id + len(rows),
                    "subscription_id": sub["id"],
                    "renewal_date": renews - timedelta(days=1),
                    "outcome": RenewalOutcome.CHURNED if churned else RenewalOutcome.RENEWED,
                    "reason": line.reason if churned else None,
                    "comment": line.comment if churned else None,
                    "decided_at": cal.instant(max(line.start, renews - timedelta(days=21))),
                }
            )
    return rows


# Roughly what one yen buys, for a demo shown in another reporting currency.
RATES_PER_JPY = {
    "USD": 0.0067,
    "EUR": 0.0061,
    "GBP": 0.0052,
    "CNY": 0.048,
    "KRW": 9.3,
    "TWD": 0.21,
    "HKD": 0.052,
    "SGD": 0.0088,
    "AUD": 0.0102,
    "THB": 0.23,
}


def exchange_rate_rows(seed: int, cal: Calendar, currency: str) -> list[Row]:
    """Monthly JPY rates into ``currency``, drifting a little (none needed for JPY)."""
    if currency == "JPY":
        return []
    rng = np.random.default_rng([seed, 12])
    months = cal.month_starts()
    drift = np.exp(np.cumsum(rng.normal(0.0, 0.015, len(months))))
    return [
        {
            "day": month,
            "currency": "JPY",
            "quote_currency": currency,
            "rate": Decimal(f"{RATES_PER_JPY[currency] * float(factor):.6g}"),
        }
        for month, factor in zip(months, drift, strict=True)
    ]
