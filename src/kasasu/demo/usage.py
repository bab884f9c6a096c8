"""Product usage events, vectorised with numpy into Arrow tables, a chunk at a time.

First a small plan: one row per account and month it is a customer, with how many events
and users it has (falling in the months before a churn, ramping up during onboarding).
Then each chunk of that plan becomes up to ``CHUNK_EVENTS`` events, with its own seeded
generator so the chunks are the same whatever else runs, and memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kasasu.demo import catalog
from kasasu.demo.shapes import DemoAccount, active_months
from kasasu.demo.timeline import HOUR_CDF, Calendar

EVENTS_PER_USER_MONTH = 6.0
QUIET_FROM = 0.4  # the risk (see DemoAccount periods) from which usage fades towards silence
CHUNK_EVENTS = 1_000_000
HOUR_US = 3_600_000_000
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("account_external_id", pa.string()),
        ("user_id", pa.string()),
        ("event_name", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("value", pa.float64()),
        ("properties", pa.string()),
    ]
)
_CDF_HEALTHY = np.cumsum(catalog.EVENT_WEIGHTS_HEALTHY) / sum(catalog.EVENT_WEIGHTS_HEALTHY)
_CDF_DECLINING = np.cumsum(catalog.EVENT_WEIGHTS_DECLINING) / sum(catalog.EVENT_WEIGHTS_DECLINING)


@dataclass(frozen=True)
class UsagePlan:
    """One row per account-month: which days, how many events and users, how healthy."""

    external_ids: list[str]
    account: np.ndarray  # index into external_ids
    day_lo: np.ndarray  # first day index (into the calendar)
    day_hi: np.ndarray  # day index after the last
    events: np.ndarray
    users: np.ndarray
    declining: np.ndarray  # bool: feature use narrows to logins and dashboards

    @property
    def total(self) -> int:
        return int(self.events.sum())


def plan_usage(seed: int, cal: Calendar, accounts: list[DemoAccount]) -> UsagePlan:
    rng = np.random.default_rng([seed, 10])
    columns: dict[str, list[float]] = {k: [] for k in ("acc", "lo", "hi", "exp", "users", "risk")}
    for i, account in enumerate(accounts):
        utilisation = min(0.95, 0.55 * account.engagement)
        for period, lo, hi in active_months(cal, account):
            risk = period.risk(lo + (hi - lo) / 2)
            tenure_months = (lo - period.start).days / 30.44
            ramp = min(1.0, 0.4 + 0.3 * tenure_months)  # onboarding: usage builds up
            users = max(1, round(account.seats_on(lo) * utilisation * ramp * (1 - 0.5 * risk)))
            share = (hi - lo).days / 30.44
            # In its last weeks a leaving customer goes almost silent: the red a CSM must see.
            quiet = 1.0 - 0.95 * min(1.0, max(0.0, (risk - QUIET_FROM) / (1.0 - QUIET_FROM)))
            columns["acc"].append(i)
            columns["lo"].append(cal.day_index(lo))
            columns["hi"].append(cal.day_index(hi))
            columns["exp"].append(users * EVENTS_PER_USER_MONTH * share * (1 - 0.6 * risk) * quiet)
            columns["users"].append(users)
            columns["risk"].append(risk)
    expected = np.array(columns["exp"], dtype=np.float64)
    return UsagePlan(
        external_ids=[a.external_id for a in accounts],
        account=np.array(columns["acc"], dtype=np.int64),
        day_lo=np.array(columns["lo"], dtype=np.int64),
        day_hi=np.array(columns["hi"], dtype=np.int64),
        events=rng.poisson(expected).astype(np.int64),
        users=np.array(columns["users"], dtype=np.int64),
        declining=np.array(columns["risk"]) > 0.3,
    )


def _chunks(events: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Split plan rows into consecutive runs of at most about ``size`` events."""
    bounds, start, running = [], 0, 0
    for i, count in enumerate(events.tolist()):
        if running and running + count > size:
            bounds.append((start, i))
            start, running = i, 0
        running += count
    if start < len(events):
        bounds.append((start, len(events)))
    return bounds


def usage_tables(
    seed: int, cal: Calendar, plan: UsagePlan, chunk_events: int = CHUNK_EVENTS
) -> Iterator[pa.Table]:
    offset = 0
    for k, (a, b) in enumerate(_chunks(plan.events, chunk_events)):
        rng = np.random.default_rng([seed, 11, k])
        table = _chunk(rng, cal, plan, np.arange(a, b), offset)
        offset += table.num_rows
        yield table


def _chunk(
    rng: np.random.Generator, cal: Calendar, plan: UsagePlan, rows: np.ndarray, offset: int
) -> pa.Table:
    rep = np.repeat(rows, plan.events[rows])
    n = rep.size
    lo, hi = plan.day_lo[rep], plan.day_hi[rep]
    # Weekdays are likelier: sample along the cumulative weekday weights, then invert.
    u = cal.day_cdf[lo] + rng.random(n) * (cal.day_cdf[hi] - cal.day_cdf[lo])
    day = np.clip(np.searchsorted(cal.day_cdf, u, side="right") - 1, lo, hi - 1)
    hour = np.minimum(np.searchsorted(HOUR_CDF, rng.random(n), side="right"), 23)
    moment = cal.day_starts_us[day] + hour * HOUR_US + rng.integers(0, HOUR_US, n)
    moment = np.minimum(moment, cal.day_starts_us[day + 1] - 1)  # 23-hour DST days
    order = np.lexsort((moment, rep))
    rep, moment = rep[order], moment[order]
    user = 1 + (plan.users[rep] * rng.random(n) ** 1.6).astype(np.int64)  # a few heavy users
    draw = rng.random(n)
    name = np.where(
        plan.declining[rep],
        np.searchsorted(_CDF_DECLINING, draw, side="right"),
        np.searchsorted(_CDF_HEALTHY, draw, side="right"),
    ).clip(0, len(catalog.EVENT_NAMES) - 1)
    account_ids = pc.take(pa.array(plan.external_ids), pa.array(plan.account[rep]))
    suffixes = pa.array([f"-U{k:04d}" for k in range(int(plan.users.max()) + 2)])
    numbers = pc.cast(pa.array(np.arange(offset + 1, offset + n + 1)), pa.string())
    return pa.table(
        {
            "event_id": pc.binary_join_element_wise("ev-", pc.utf8_lpad(numbers, 9, "0"), ""),
            "account_external_id": account_ids,
            "user_id": pc.binary_join_element_wise(account_ids, pc.take(suffixes, user), ""),
            "event_name": pc.take(pa.array(catalog.EVENT_NAMES), pa.array(name)),
            "occurred_at": pa.array(moment, type=pa.timestamp("us", tz="UTC")),
            "value": _values(rng, name),
            "properties": _properties(rng, name),
        },
        schema=EVENT_SCHEMA,
    )


def _values(rng: np.random.Generator, name: np.ndarray) -> pa.Array:
    """Rows exported, API requests, accounts a playbook touched; nothing for the rest."""
    n = name.size
    values = np.full(n, np.nan)
    for event, mean in (("export_report", 5.0), ("api_call", 3.0), ("run_playbook", 2.5)):
        mask = name == catalog.EVENT_NAMES.index(event)
        values[mask] = np.round(rng.lognormal(mean, 1.0, int(mask.sum())))
    return pa.array(values, mask=np.isnan(values))


def _properties(rng: np.random.Generator, name: np.ndarray) -> pa.Array:
    """The device as JSON; missing for API calls and for a fifth of the rest."""
    pick = rng.integers(0, len(catalog.EVENT_PROPERTIES), name.size)
    missing = (name == catalog.EVENT_NAMES.index("api_call")) | (rng.random(name.size) < 0.2)
    return pc.take(pa.array(catalog.EVENT_PROPERTIES), pa.array(pick, mask=missing))
