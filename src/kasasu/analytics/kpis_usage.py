"""Usage and onboarding KPIs of DESIGN.md §4: active account rate, DAU/MAU, time to value.

Usage events come from the event store (``Sources.usage_events``) and are matched to accounts
by external id. Without an event store (PostgreSQL engine, or no events file) the usage KPIs
are null for every period rather than 0: nothing was measured.

Instants are put on local days as day numbers (``analytics.local_days``), or, for the few
milestones of time to value, by comparing them with the local midnights of each day computed
in Python (``local_midnight``): no engine's time-zone functions are involved and days are
exact across daylight-saving changes.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import ibis.expr.types as ir

from kasasu.analytics.kpis_revenue import per_period, plain, ratio
from kasasu.analytics.kpis_support import median
from kasasu.analytics.local_days import LocalDays
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.domain.dates import local_midnight
from kasasu.domain.local_days import day_number
from kasasu.kit.i18n import _

WINDOW_DAYS = 30


def _period_days(inputs: Inputs) -> ir.Table:
    """(period, day, day_start_at, day_end_at): each period's local days with their UTC
    bounds."""
    rows = [
        (p.label, p.start + timedelta(days=k))
        for p in inputs.period_list
        for k in range((p.end - p.start).days)
    ]
    zone = inputs.zone
    return ibis.memtable(
        {
            "period": [label for label, _day in rows],
            "day": [day for _label, day in rows],
            "day_start_at": [local_midnight(day, zone) for _label, day in rows],
            "day_end_at": [local_midnight(day + timedelta(days=1), zone) for _label, day in rows],
        },
        schema={
            "period": "string",
            "day": "date",
            "day_start_at": "timestamp('UTC')",
            "day_end_at": "timestamp('UTC')",
        },
    )


def _on_days(table: ir.Table, column: str, days: ir.Table) -> ir.Table:
    """Rows of ``table`` with the period and local ``day`` their instant ``column`` falls on."""
    at = table[column]
    joined = table.join(days, (at >= days.day_start_at) & (at < days.day_end_at))
    return joined.select("period", "day", *table.columns)


def _events(inputs: Inputs) -> ir.Table | None:
    """(account_id, user_id, occurred_at) of the events of the (filtered) accounts."""
    e = inputs.sources.usage_events
    if e is None:
        return None
    a = inputs.sources.accounts
    j = e.join(a, e.account_external_id == a.external_id)
    return j.select(account_id=a.id, user_id=e.user_id, occurred_at=e.occurred_at)


def _window_days(inputs: Inputs) -> ir.Table:
    """(period, day): the local day numbers of the 30 days before each period's end."""
    rows = [
        (p.label, day_number(p.end) - k)
        for p in inputs.period_list
        for k in range(WINDOW_DAYS, 0, -1)
    ]
    return ibis.memtable(
        {"period": [label for label, _day in rows], "day": [day for _label, day in rows]},
        schema={"period": "string", "day": "int64"},
    )


def _usage_days(inputs: Inputs) -> ir.Table | None:
    """(account_id, user_id, day, events): the events of the (filtered) accounts on the days
    of the request's 30-day windows, counted per user (null: none named) and local day
    number; built once for both usage KPIs. Both used to join every event to the windows'
    days by a range of instants, each on its own: at 20,000 accounts and 10M events a year
    they were 121 s of the 138 s the daily refresh spent computing the KPI pages ahead."""
    events = _events(inputs)
    if events is None:
        return None
    return inputs.shared("usage_days", lambda: _count_days(inputs, events))


def _count_days(inputs: Inputs, events: ir.Table) -> ir.Table:
    ends = [p.end for p in inputs.period_list]
    first, last, zone = min(ends) - timedelta(days=WINDOW_DAYS), max(ends), inputs.zone
    e = events.filter(
        (events.occurred_at >= local_midnight(first, zone))
        & (events.occurred_at < local_midnight(last, zone))
    )
    e = LocalDays(zone, first, last).add(e, "occurred_at", "day")
    days = sorted({day_number(end) - k for end in ends for k in range(1, WINDOW_DAYS + 1)})
    e = e.filter(e.day.isin(days))  # the windows' days only (a year's grain has gaps)
    return e.group_by(["account_id", "user_id", "day"]).aggregate(events=e.count())


def _active_at_end(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return m.filter(m.end > 0).select("period", "account_id")


def _unmeasured(inputs: Inputs) -> ir.Table:
    return plain(inputs.periods, ibis.null("float64"))


def _recent_events(inputs: Inputs, usage: ir.Table) -> ir.Table:
    """(period, account_id, events): events per account in the 30 days before the end."""
    hits = usage.join(_window_days(inputs), "day")
    return hits.group_by(["period", "account_id"]).aggregate(events=hits.events.sum())


def _active_rate(inputs: Inputs) -> ir.Table:
    usage = _usage_days(inputs)
    if usage is None:
        return _unmeasured(inputs)
    active = _active_at_end(inputs)
    used = active.semi_join(_recent_events(inputs, usage), ["period", "account_id"])
    base = per_period(inputs, active, n=active.account_id.count())
    hits = per_period(inputs, used, k=used.account_id.count())
    t = base.join(hits.select("period", "k"), "period")
    return ratio(t, t.k, t.n)


def _explain_active_rate(inputs: Inputs) -> ir.Table:
    active = _active_at_end(inputs)
    usage = _usage_days(inputs)
    if usage is None:
        return active.select("period", "account_id", events=ibis.null("int64"))
    j = active.left_join(_recent_events(inputs, usage), ["period", "account_id"])
    return j.select("period", "account_id", events=j.events.fill_null(0))


RATIO_STEPS = 10**12


def _stickiness(inputs: Inputs, usage: ir.Table) -> ir.Table:
    """(period, account_id, dau, mau, dau_mau) for accounts active at the end with users."""
    named = usage.filter(usage.user_id.notnull())
    hits = named.join(_window_days(inputs), "day")  # one row per user, account and day
    daily = hits.group_by(["period", "account_id", "day"]).aggregate(users=hits.count())
    # Days without a user count as 0 in the mean: divide by 30, not by the days seen.
    dau = daily.group_by(["period", "account_id"]).aggregate(
        dau=daily.users.sum().cast("float64") / WINDOW_DAYS
    )
    mau = hits.group_by(["period", "account_id"]).aggregate(mau=hits.user_id.nunique())
    j = dau.join(mau, ["period", "account_id"]).semi_join(
        _active_at_end(inputs), ["period", "account_id"]
    )
    return j.select("period", "account_id", "dau", "mau", dau_mau=j.dau / j.mau)


def _dau_mau(inputs: Inputs) -> ir.Table:
    usage = _usage_days(inputs)
    if usage is None:
        return _unmeasured(inputs)
    s = _stickiness(inputs, usage)
    # Sum the accounts' ratios as integers (in 1e-12 steps): a float sum depends on the order
    # of addition, which DuckDB and PostgreSQL choose differently (last-digit differences).
    steps = (s.dau_mau * RATIO_STEPS + 0.5).floor().cast("int64")
    t = per_period(inputs, s, total=steps.sum(), n=s.account_id.count())
    return ratio(t, t.total / RATIO_STEPS, t.n)


def _explain_dau_mau(inputs: Inputs) -> ir.Table:
    usage = _usage_days(inputs)
    if usage is None:
        return _active_at_end(inputs).filter(ibis.literal(value=False)).mutate(dau_mau=0.0)
    return _stickiness(inputs, usage)


def _to_value(inputs: Inputs) -> ir.Table:
    """(period, account_id, days): local days from first contract to first value."""
    src = inputs.sources
    m = src.milestones
    m = m.filter(m.is_first_value & m.done_at.notnull())
    reached = m.group_by("account_id").aggregate(done_at=m.done_at.min())
    s = src.subscriptions
    s = s.filter(s.status != "trial")
    started = s.group_by("account_id").aggregate(first_start=s.start_date.min())
    j = _on_days(reached, "done_at", _period_days(inputs)).join(started, "account_id")
    return j.select("period", "account_id", days=j.day.delta(j.first_start, unit="day"))


def _time_to_value(inputs: Inputs) -> ir.Table:
    m = median(_to_value(inputs), ["period"], "days")
    t = inputs.periods.select("period").left_join(m, "period")
    t = t.select("period", median=t.median, n=t.n.fill_null(0))
    return plain(t, t.median, "n")


METRICS = (
    Metric(
        "active_account_rate",
        Unit.RATE,
        _("Active account rate"),
        _(
            "Accounts active at the period's end with at least one usage event in the 30 days "
            "before it ÷ accounts active at the end (no value without an event store)"
        ),
        _active_rate,
        _explain_active_rate,
    ),
    Metric(
        "dau_mau",
        Unit.RATE,
        _("DAU/MAU"),
        _(
            "Per account active at the period's end with users in the 30 days before it: the "
            "mean over those 30 local days of daily distinct users ÷ distinct users in the 30 "
            "days; the value is the mean over those accounts (no value without an event store)"
        ),
        _dau_mau,
        _explain_dau_mau,
    ),
    Metric(
        "time_to_value",
        Unit.DAYS,
        _("Time to value"),
        _(
            "Median days from an account's first contract start (earliest non-trial "
            "subscription) to the local day its first-value milestone was done, over accounts "
            "that reached first value in the period (even count: mean of the two middle values)"
        ),
        _time_to_value,
        lambda i: _to_value(i).select("period", "account_id", "days"),
        ("n",),
    ),
)
