"""A small customer base whose KPIs are computed by hand in the tests (JPY, Jan-Mar 2026).

Contract dates follow DESIGN.md §4: end and cancellation dates are the last day of service,
inclusive, and a month's MRR is the MRR on its last day. MRR on each month's last day (¥):
         Dec 31   Jan 31   Feb 28   Mar 31
  A1    10,000   10,000   15,000   15,000   + Analytics ¥5,000 from Feb 10 (cross-sell)
  A2    10,000   10,000        0        0   yearly ¥120,000 ÷ 12, cancelled Feb 15 (churn)
  A3         0   30,000   30,000   30,000   first contract Jan 15 (new)
  A4         0    8,000    8,000    8,000   paid in 2025, back on Jan 20 (reactivation)
  A5    50,000   50,000   40,000   40,000   ¥50,000 line to Jan 31, ¥40,000 from Feb 1
                                            (contraction in February)
  A6    30,000   38,333   38,333   38,333   quarterly ¥90,000 ÷ 3, + yearly ¥100,000 ÷ 12
                                            = 8,333.33 → 8,333 on the same product (upsell)
  A7         0        0        0        0   only a trial
  sum  100,000  146,333  131,333  131,333
The tables are keyed by the boundaries (Jan 1 stands for Dec 31, Feb 1 for Jan 31, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from kasasu.models import Account, Subscription

MONTHLY, QUARTERLY, YEARLY = BillingInterval.MONTH, BillingInterval.QUARTER, BillingInterval.YEAR
ACTIVE, CANCELLED, TRIAL = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.CANCELLED,
    SubscriptionStatus.TRIAL,
)

Line = tuple[str, str, int, BillingInterval, date, date | None, SubscriptionStatus, date | None]
# (account, product, amount, interval, start, end, status, cancelled_on)
LINES: list[Line] = [
    ("A1", "Core", 10_000, MONTHLY, date(2025, 12, 1), date(2025, 12, 31), ACTIVE, None),
    ("A1", "Analytics", 5_000, MONTHLY, date(2026, 2, 10), date(2026, 3, 9), ACTIVE, None),
    (
        "A2",
        "Core",
        120_000,
        YEARLY,
        date(2025, 4, 1),
        date(2026, 3, 31),
        CANCELLED,
        date(2026, 2, 15),
    ),
    ("A3", "Core", 30_000, MONTHLY, date(2026, 1, 15), date(2026, 2, 14), ACTIVE, None),
    (
        "A4",
        "Core",
        20_000,
        MONTHLY,
        date(2025, 6, 1),
        date(2025, 8, 31),
        CANCELLED,
        date(2025, 8, 31),
    ),
    ("A4", "Core", 8_000, MONTHLY, date(2026, 1, 20), date(2026, 2, 19), ACTIVE, None),
    (
        "A5",
        "Core",
        50_000,
        MONTHLY,
        date(2025, 10, 1),
        date(2025, 10, 31),
        CANCELLED,
        date(2026, 1, 31),
    ),
    ("A5", "Core", 40_000, MONTHLY, date(2026, 2, 1), date(2026, 2, 28), ACTIVE, None),
    ("A6", "Core", 90_000, QUARTERLY, date(2025, 11, 1), date(2026, 1, 31), ACTIVE, None),
    ("A6", "Core", 100_000, YEARLY, date(2026, 1, 10), date(2027, 1, 9), ACTIVE, None),
    ("A7", "Core", 10_000, MONTHLY, date(2026, 1, 1), date(2026, 1, 31), TRIAL, None),
]
PLANS = {
    "A1": "Pro",
    "A2": "Starter",
    "A3": "Pro",
    "A4": "Starter",
    "A5": "Enterprise",
    "A6": "Enterprise",
    "A7": "Starter",
}


def add_golden(session: Session) -> dict[str, int]:
    """Write the accounts and lines; returns external id → account id."""
    return add_lines(session, PLANS, LINES, prefix="S")


def add_lines(
    session: Session, plans: dict[str, str], lines: Sequence[Line], prefix: str
) -> dict[str, int]:
    """Accounts (name → plan) and JPY contract lines (account, product, amount, interval,
    start, end, status, cancelled_on)."""
    ids: dict[str, int] = {}
    for name, plan in plans.items():
        account = Account(external_id=name, name=f"株式会社{name}", plan=plan, custom_fields={})
        session.add(account)
        session.flush()
        ids[name] = account.id
    for n, (acc, product, amount, interval, start, end, status, cancelled) in enumerate(lines):
        values: dict[str, Any] = {
            "external_id": f"{prefix}{n}",
            "account_id": ids[acc],
            "product": product,
            "amount": amount,
            "currency": "JPY",
            "billing_interval": interval,
            "start_date": start,
            "end_date": end,
            "auto_renew": status is ACTIVE,
            "status": status,
            "cancelled_on": cancelled,
        }
        session.add(Subscription(**values))
    session.flush()
    return ids
