"""Purchases outside the contracts: a third of the customers buy message credits when they
run low ("purchase" events with the amount as their value). Each buyer has its own pace and
its own usual amount, and after each purchase may stop buying for good (the BG/NBD story),
so the projection per account has real differences to find. A customer on its way out stops
buying as its use fades."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kasasu.demo.shapes import DemoAccount
from kasasu.demo.timeline import Calendar
from kasasu.demo.usage import EVENT_SCHEMA, HOUR_US, QUIET_FROM

PURCHASE = "purchase"
BUYERS = 0.35
STOP_AFTER = 0.08  # the chance a buyer stops for good after a purchase, on average


def purchase_table(
    seed: int, cal: Calendar, accounts: list[DemoAccount], per_yen: float = 1.0
) -> pa.Table:
    """``per_yen``: minor units of the reporting currency a yen is worth (1 for JPY)."""
    rng = np.random.default_rng([seed, 19])
    ids: list[str] = []
    moments: list[int] = []
    values: list[float] = []
    for account in accounts:
        if rng.random() >= BUYERS or not account.periods:
            continue
        per_month = rng.gamma(0.9, 1.2)  # purchases a month while it buys
        stop = min(0.6, rng.beta(1.0, 1.0 / STOP_AFTER - 1.0))
        usual = rng.lognormal(np.log(8_000), 0.6)
        start = cal.day_index(account.periods[0].start)
        end = cal.day_index(account.periods[-1].stop(cal.as_of))
        day = start + rng.exponential(30.44 / per_month)
        while day < end:
            whole = int(day)
            period = account.period_on(cal.day_of(whole), cal.as_of)
            if period is not None and period.risk(cal.day_of(whole)) > QUIET_FROM:
                break  # a customer on its way out stops buying before it goes quiet
            hour = 9 + rng.integers(0, 10)
            ids.append(account.external_id)
            moments.append(int(cal.day_starts_us[whole]) + int(hour) * HOUR_US)
            values.append(round(usual * rng.lognormal(0.0, 0.25) * per_yen))
            if rng.random() < stop:
                break
            day += rng.exponential(30.44 / per_month)
    n = len(ids)
    return pa.table(
        {
            "event_id": [f"buy-{k + 1:07d}" for k in range(n)],
            "account_external_id": ids,
            "user_id": [f"{i}-U0001" for i in ids],
            "event_name": [PURCHASE] * n,
            "occurred_at": pa.array(moments, type=pa.timestamp("us", tz="UTC")),
            "value": pa.array(values, type=pa.float64()),
            "properties": pa.nulls(n, type=pa.string()),
        },
        schema=EVENT_SCHEMA,
    )
