"""The CSMs' forecast calls on yearly renewals: on about six in ten renewals of the last twelve
months and the next four, each made by the account's owner two to eight weeks before the
date (never after the data's end). CSMs know their accounts, not the future: a renewal that
went (or will go) ahead is mostly called commit or likely, a churn mostly at risk or will
churn, with misses both ways, so the forecast's backtest has something honest to measure."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar, add_months
from kasasu.domain.choices import BillingInterval, ForecastStatus, RenewalOutcome

CALLED = 0.6
STATUSES = list(ForecastStatus)  # commit, likely, at risk, will churn
# P(status | what happened): the CSM's read of a renewal that went ahead, and of a churn.
IF_RENEWED = (0.6, 0.34, 0.05, 0.01)
IF_CHURNED = (0.05, 0.2, 0.45, 0.3)


def forecast_call_rows(
    seed: int,
    cal: Calendar,
    accounts: list[DemoAccount],
    subscriptions: list[Row],
    renewals: list[Row],
    *,
    first_id: int,
) -> list[Row]:
    rng = np.random.default_rng([seed, 18])
    owners = {a.id: a.owner_id for a in accounts}
    line_account = {s["id"]: s["account_id"] for s in subscriptions}
    since = add_months(cal.as_of, -12)
    due: list[tuple[int, date, bool]] = [
        (r["subscription_id"], r["renewal_date"], r["outcome"] is RenewalOutcome.CHURNED)
        for r in renewals
        if r["renewal_date"] >= since
    ]
    by_id = {a.id: a for a in accounts}
    until = add_months(cal.as_of, 4)
    for s in subscriptions:
        end = s["end_date"]
        ahead = end is not None and cal.as_of <= end <= until and s["cancelled_on"] is None
        if ahead and s["billing_interval"] is BillingInterval.YEAR:
            period = by_id[s["account_id"]].periods[-1]
            leaves = period.churn_on is not None and period.churn_on <= end + timedelta(days=1)
            due.append((s["id"], end, leaves))
    rows: list[Row] = []
    for line, day, churned in sorted(due):
        if rng.random() >= CALLED:
            continue
        odds = IF_CHURNED if churned else IF_RENEWED
        status = STATUSES[int(rng.choice(len(STATUSES), p=odds))]
        made = min(day - timedelta(days=int(rng.integers(14, 57))),
                   cal.as_of - timedelta(days=1))  # fmt: skip
        rows.append(
            {
                "id": first_id + len(rows),
                "subscription_id": line,
                "renewal_date": day,
                "status": status,
                "comment": None,
                "set_by": owners.get(line_account[line]),
                "set_at": cal.instant(made, 11.0 + float(rng.uniform(0, 6))),
            }
        )
    return rows
