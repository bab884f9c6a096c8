"""Usage features per account from the event store (see ``features``): the heavy part.
The in-app guides' own events (shown, step, completed, dismissed) are not counted as use.

Events are matched to accounts by external id and read once for the counts over the 90-day
window; only the last 30 days are put on local days, for DAU/MAU.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

import ibis
import ibis.expr.types as ir

from kasasu.analytics.kpis_support import whole_seconds
from kasasu.analytics.sources import Sources
from kasasu.domain.dates import local_midnight
from kasasu.domain.guides import GUIDE_EVENTS

DAY_SECONDS = 86_400
MONTH_DAYS = 30


@dataclass(frozen=True)
class Instants:
    """The starts of the windows before ``as_of``: 00:00 in ``zone`` of the day n days
    before it, as UTC literals (``window()``: the ones ``usage_features`` reads)."""

    as_of: date
    zone: str

    def days_before(self, n: int) -> ir.TimestampScalar:
        instant = local_midnight(self.as_of - timedelta(days=n), self.zone)
        return ibis.literal(instant, type="timestamp('UTC')")

    @property
    def now(self) -> ir.TimestampScalar:
        return self.days_before(0)

    def window(self) -> dict[int, ir.TimestampScalar]:
        return {n: self.days_before(n) for n in (0, 7, 30, 60, 90)}


def usage_features(
    src: Sources,
    accounts: ir.Table,
    at: dict[int, ir.TimestampScalar],
    as_of: date,
    zone: str,
) -> ir.Table | None:
    """(account_id, events_7d/30d/90d, events_prior_30d, active_users_30d, features_used_30d,
    dau_mau, days_since_last_event) for ``accounts``; None without an event store."""
    e = src.usage_events
    if e is None:
        return None
    a = src.accounts.semi_join(accounts, src.accounts.id == accounts.account_id)
    a = a.select(account_id=a.id, external_id=a.external_id)
    # What the SDK reports of its guides is not use of the product: a walkthrough of three
    # steps would otherwise add five events and four "features used".
    e = e.filter((e.occurred_at < at[0]) & ~e.event_name.isin(sorted(GUIDE_EVENTS)))
    j = e.join(a, e.account_external_id == a.external_id)
    j = j.select("account_id", "user_id", "event_name", "occurred_at")
    # One pass over the events, every window a filter of the same aggregate.
    t = j.occurred_at
    in30 = t >= at[30]
    counts = j.group_by("account_id").aggregate(
        last_at=t.max(),
        events_7d=j.count(where=t >= at[7]),
        events_30d=j.count(where=in30),
        events_90d=j.count(where=t >= at[90]),
        events_prior_30d=j.count(where=(t >= at[60]) & ~in30),
        active_users_30d=j.user_id.nunique(where=in30),
        features_used_30d=j.event_name.nunique(where=in30),
    )
    now = int(local_midnight(as_of, zone).timestamp())
    # Whole local days since the last event: an event yesterday is 1 day ago (exact where
    # the zone has no daylight-saving change in between).
    since = ((now - whole_seconds(counts.last_at)) / DAY_SECONDS).ceil()
    counts = counts.mutate(days_since_last_event=since).drop("last_at")
    month = j.filter(in30 & j.user_id.notnull())
    return attach(counts, _dau_mau(month, as_of, zone))


def _dau_mau(events: ir.Table, as_of: date, zone: str) -> ir.Table:
    """(account_id, dau_mau): mean daily distinct users over the 30 local days ÷ distinct users."""
    days = [as_of - timedelta(days=k) for k in range(MONTH_DAYS, 0, -1)]
    starts = [int(local_midnight(d, zone).timestamp()) for d in [*days, as_of]]
    if all(b - a == DAY_SECONDS for a, b in pairwise(starts)):
        # No daylight-saving change in the window: local days are whole 86,400 s steps from
        # the first midnight, so the day is arithmetic, not a join with 30 day bounds
        # (~0.3 s and half the memory on 10M events, benchmarks/health.py).
        seconds = whole_seconds(events.occurred_at) - starts[0]
        hits = events.mutate(day=(seconds / DAY_SECONDS).floor())
    else:
        bounds = ibis.memtable(
            {
                "day": days,
                "day_start": [local_midnight(d, zone) for d in days],
                "day_end": [local_midnight(d + timedelta(days=1), zone) for d in days],
            },
            schema={"day": "date", "day_start": "timestamp('UTC')", "day_end": "timestamp('UTC')"},
        )
        t = events.occurred_at
        hits = events.join(bounds, (t >= bounds.day_start) & (t < bounds.day_end))
    daily = hits.group_by(["account_id", "day"]).aggregate(users=hits.user_id.nunique())
    dau = daily.group_by("account_id").aggregate(daily_users=daily.users.sum())
    mau = events.group_by("account_id").aggregate(mau=events.user_id.nunique())
    j = dau.join(mau, "account_id")
    return j.select("account_id", dau_mau=j.daily_users.cast("float64") / (MONTH_DAYS * j.mau))


def attach(table: ir.Table, part: ir.Table) -> ir.Table:
    """``table`` left-joined with ``part`` on account_id, keeping one account_id column."""
    joined = table.left_join(part, "account_id")
    return joined.drop("account_id_right") if "account_id_right" in joined.columns else joined
