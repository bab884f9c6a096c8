"""Usage features per account from the event store (see ``features``): the heavy part.
The in-app guides' own events (shown, step, completed, dismissed) are not counted as use.

Events are counted per external id, then matched to accounts: one pass for the counts of every
window, and the distinct users, user-days and event names of the last 30 days by grouping (only
those days are put on local days, for DAU/MAU).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from kasasu.analytics._compat import whole_days
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
    days_since_last_event, dau_mau) for ``accounts``; None without an event store."""
    e = src.usage_events
    if e is None:
        return None
    a = src.accounts.semi_join(accounts, src.accounts.id == accounts.account_id)
    a = a.select(account_id=a.id, external_id=a.external_id)
    # What the SDK reports of its guides is not use of the product: a walkthrough of three
    # steps would otherwise add five events and four "features used".
    e = e.filter((e.occurred_at < at[0]) & ~e.event_name.isin(sorted(GUIDE_EVENTS)))
    # Everything is counted per external id and matched to accounts afterwards: the join
    # then sees one row per id instead of every event (1.7x faster on 10M events,
    # benchmarks/health.py), and an id shared by two accounts still counts for both.
    e = e.select("user_id", "event_name", "occurred_at", external_id=e.account_external_id)
    # Named, so that the SQL reads the events once for the three parts below (a CTE); inlined,
    # DuckDB scanned the event store three times.
    e = e.alias("usage_events_read")
    t = e.occurred_at
    in30 = t >= at[30]
    # One pass for every window: sums of conditions rather than filtered counts.
    counts = e.group_by("external_id").aggregate(
        last_at=t.max(),
        events_7d=(t >= at[7]).sum(),
        events_30d=in30.sum(),
        events_90d=(t >= at[90]).sum(),
        events_prior_30d=((t >= at[60]) & (t < at[30])).sum(),
    )
    now = int(local_midnight(as_of, zone).timestamp())
    # Whole local days since the last event: an event yesterday is 1 day ago (exact where
    # the zone has no daylight-saving change in between).
    since = ((now - whole_seconds(counts.last_at)) / DAY_SECONDS).ceil()
    counts = counts.mutate(days_since_last_event=since).drop("last_at")
    # Distinct users, user-days and event names of the 30 days by grouping, not by
    # count(DISTINCT) per account: each distinct row is then counted once.
    month = e.filter(in30)
    users = _users(month.filter(month.user_id.notnull()), as_of, zone)
    names = month.filter(month.event_name.notnull())
    names = names.select("external_id", "event_name").distinct()
    names = names.group_by("external_id").aggregate(features_used_30d=names.count())
    j = counts.join(a, "external_id").left_join(users, "external_id")
    j = j.left_join(names, j.external_id == names.external_id)
    return j.select(
        "account_id",
        "events_7d",
        "events_30d",
        "events_90d",
        "events_prior_30d",
        active_users_30d=j.users.fill_null(0),
        features_used_30d=j.features_used_30d.fill_null(0),
        days_since_last_event=j.days_since_last_event,
        dau_mau=j.user_days.cast("float64") / (MONTH_DAYS * j.users),
    )


def _users(events: ir.Table, as_of: date, zone: str) -> ir.Table:
    """(external_id, users, user_days) of the 30 local days before ``as_of`` (``events`` are
    those days' events): distinct users, and distinct (user, local day) pairs."""
    at = Instants(as_of, zone)
    starts = [local_midnight(as_of - timedelta(days=k), zone) for k in range(MONTH_DAYS, -1, -1)]
    if all((b - a).total_seconds() == DAY_SECONDS for a, b in itertools.pairwise(starts)):
        # No daylight-saving change in the 30 days: the local day is whole days since the
        # first day's midnight.
        day = whole_days(events, "occurred_at", starts[0])
    else:
        # A change in between: compare with the days' starts, latest first (exact).
        t = events.occurred_at
        day = ibis.cases(
            *((t >= at.days_before(k), k) for k in range(1, MONTH_DAYS)), else_=MONTH_DAYS
        )
    user_days = events.select("external_id", "user_id", day=day).distinct()
    per_user = user_days.group_by(["external_id", "user_id"]).aggregate(days=user_days.count())
    return per_user.group_by("external_id").aggregate(
        users=per_user.count(), user_days=per_user.days.sum()
    )


def attach(table: ir.Table, *parts: ir.Table) -> ir.Table:
    """``table`` left-joined with each of ``parts`` on account_id, keeping one account_id
    column: one chain of joins and one projection, where a join and a drop per part nested
    a subquery per part (the features' SQL compiled ~2× slower)."""
    joined = table
    for n, part in enumerate(parts):
        joined = joined.left_join(part, "account_id", rname=f"{{name}}_{n}")
    dropped = {f"account_id_{n}" for n in range(len(parts))}
    return joined.select(*(c for c in joined.columns if c not in dropped))
