"""Contracts on month boundaries, the Japanese way (JPY, fiscal year from April), by hand.

End and cancellation dates are the last day of service, inclusive; a month's MRR is the MRR on
its last day, and its start MRR the last day's of the month before (DESIGN.md §4).

  B1  yearly ¥360,000 (÷ 12 = 30,000) from 2026-04-01, the fiscal year's first day → new in April
  B2  monthly ¥20,000 from 2026-02-15 (mid-month)                                → new in February
  B3  monthly ¥50,000 since 2025-10-01; a second product ¥10,000 from 2026-03-01
                                                                          → expansion in March
  B4  monthly ¥40,000 since 2025-11-01 to 2026-03-31, then ¥25,000 from 2026-04-01 (a downgrade
      on the 1st)                                                    → contraction in April
  B5  monthly ¥12,000 since 2025-12-01, cancelled on 2026-03-01 (its last day is the 1st)
                                                                            → churn in March
  B6  yearly ¥120,000 (10,000) from 2025-04-01 to 2026-03-31, not renewed (last day of a
      month and of the fiscal year)                                         → churn in April
  B7  quarterly ¥60,000 (20,000) from 2025-07-01, cancelled 2025-12-31 → churn in January;
      back with quarterly ¥45,000 (15,000) from 2026-05-01            → reactivation in May

MRR on each month's last day (¥):
         Dec 31  Jan 31  Feb 28  Mar 31  Apr 30  May 31  Jun 30
  B1          0       0       0       0  30,000  30,000  30,000
  B2          0       0  20,000  20,000  20,000  20,000  20,000
  B3     50,000  50,000  50,000  60,000  60,000  60,000  60,000
  B4     40,000  40,000  40,000  40,000  25,000  25,000  25,000
  B5     12,000  12,000  12,000       0       0       0       0
  B6     10,000  10,000  10,000  10,000       0       0       0
  B7     20,000       0       0       0       0  15,000  15,000
  sum   132,000 112,000 132,000 130,000 135,000 150,000 150,000
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from tests.analytics.golden import add_lines

M, Q, Y = BillingInterval.MONTH, BillingInterval.QUARTER, BillingInterval.YEAR
ACTIVE, CANCELLED, ENDED = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.CANCELLED,
    SubscriptionStatus.ENDED,
)

# (account, product, amount, interval, start, end, status, cancelled_on)
LINES: list[tuple[str, str, int, BillingInterval, date, date, SubscriptionStatus, date | None]] = [
    ("B1", "Core", 360_000, Y, date(2026, 4, 1), date(2027, 3, 31), ACTIVE, None),
    ("B2", "Core", 20_000, M, date(2026, 2, 15), date(2026, 3, 14), ACTIVE, None),
    ("B3", "Core", 50_000, M, date(2025, 10, 1), date(2025, 10, 31), ACTIVE, None),
    ("B3", "Analytics", 10_000, M, date(2026, 3, 1), date(2026, 3, 31), ACTIVE, None),
    ("B4", "Core", 40_000, M, date(2025, 11, 1), date(2026, 3, 31), ENDED, None),
    ("B4", "Core", 25_000, M, date(2026, 4, 1), date(2026, 4, 30), ACTIVE, None),
    ("B5", "Core", 12_000, M, date(2025, 12, 1), date(2026, 3, 31), CANCELLED, date(2026, 3, 1)),
    ("B6", "Core", 120_000, Y, date(2025, 4, 1), date(2026, 3, 31), CANCELLED, date(2026, 3, 31)),
    ("B7", "Core", 60_000, Q, date(2025, 7, 1), date(2025, 12, 31), CANCELLED, date(2025, 12, 31)),
    ("B7", "Core", 45_000, Q, date(2026, 5, 1), date(2026, 7, 31), ACTIVE, None),
]


def add_boundaries(session: Session) -> dict[str, int]:
    """Write the accounts and lines; returns external id → account id."""
    plans = dict.fromkeys(sorted({line[0] for line in LINES}), "Pro")
    return add_lines(session, plans, LINES, prefix="B")
