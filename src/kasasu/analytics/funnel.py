"""The Model funnel, lead by lead: each lead that came in during a period (its cohort) and
the day it reached each later stage, as observed on ``Inputs.observed_until``.

Stages (DESIGN-style definitions in docs/metrics.md, from ``kpis_funnel``):
- qualified: its ``qualified_at``, or the day its first deal was opened, whichever is first;
- won: the close day of its first won deal;
- onboarded: the first local day on or after the win that its account did a first-value
  milestone (the milestone that "time to value" reads);
- matured: won, and the day 12 months after the win is before the observation day;
- retained: matured, and its account has MRR on that day (``analytics.revenue``);
- expanded: retained, and that MRR is above its MRR when it started paying after the win (the
  later of the win and its first contract start), or it won an expansion deal in between.

A lead's deals are those naming it (``lead_id``), and the new-business deals of its account
that name no lead. Its account is its own, else its won deal's. Days are local calendar days
as whole numbers (``domain.local_days``), so the days between stages are exact integers on
every engine.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.kpis_support import in_periods
from kasasu.analytics.local_days import LocalDays
from kasasu.analytics.registry import Inputs
from kasasu.domain.choices import DealKind, DealStage
from kasasu.domain.dates import local_midnight
from kasasu.domain.local_days import EPOCH, day_number

STAGES = ("leads", "qualified", "won", "onboarded", "matured", "retained", "expanded")
VELOCITIES = ("days_to_qualify", "days_to_win", "days_to_value")
PATH_SCHEMA = {
    "period": "string",
    "lead_id": "int64",
    "account_id": "int64",
    "source": "string",
    "lead_day": "int64",
    "qualified_day": "int64",
    "won_day": "int64",
    "value_day": "int64",
    "mrr_at_win": "int64",
    "mrr_12m": "int64",
    **dict.fromkeys(STAGES, "int64"),
    **dict.fromkeys(VELOCITIES, "int64"),
}
# Tables built by a join are closed with ``.view()`` before they are joined again: ibis
# would otherwise extend the earlier join and refuse a condition on a column it computed
# (a coalesced account, a day number) as belonging to another relation.

# How far before the first period an instant's local day is exact (a first value long before
# a lead came in still falls on its day unless a clock change lies that far back).
_LOOK_BACK_DAYS = 3 * 366


def funnel_paths(inputs: Inputs) -> ir.Table:
    """One row per lead of a period's cohort (``PATH_SCHEMA``): its days as day numbers,
    each stage as 0 or 1, the days between stages; built once per request."""
    return inputs.shared("funnel_paths", lambda: _paths(inputs))


def _paths(inputs: Inputs) -> ir.Table:
    src = inputs.sources
    if src.leads is None or src.deals is None:
        return ibis.memtable({n: [] for n in PATH_SCHEMA}, schema=PATH_SCHEMA)
    until = inputs.observed_until
    first = inputs.period_list[0].start - timedelta(days=_LOOK_BACK_DAYS)
    days = LocalDays(inputs.zone, first, until)
    leads = src.leads.select("account_id", "source", "created_at", "qualified_at", lead_id="id")
    leads = in_periods(inputs, leads, "created_at")
    leads = leads.filter(leads.created_at < local_midnight(until, inputs.zone))
    leads = days.add(leads, "created_at", "lead_day")
    leads = days.add(leads, "qualified_at", "stated_day")
    deals = _linked_deals(leads, src.deals, until)
    opened = deals.group_by("lead_id").aggregate(opened_day=deals.opened_day.min())
    won = deals.filter((deals.stage == DealStage.WON.value) & deals.closed_on.notnull())
    won = won.group_by("lead_id").aggregate(
        won_on=won.closed_on.min(), won_account=won.account.min()
    )
    j = leads.left_join(opened, leads.lead_id == opened.lead_id)
    j = j.left_join(won, j.lead_id == won.lead_id)
    stated = ibis.ifelse(j.stated_day < day_number(until), j.stated_day, ibis.null("int64"))
    paths = j.select(
        "period",
        "lead_id",
        "source",
        "lead_day",
        "won_on",
        account_id=ibis.coalesce(j.account_id, j.won_account),
        qualified_day=_earlier(stated, j.opened_day),
        won_day=j.won_on.delta(ibis.date(EPOCH), unit="day"),
    ).view()
    paths = _with_first_value(paths, days.add(_first_values(inputs), "done_at", "day"))
    paths = _with_mrr(inputs, paths, until)
    if src.filters:  # accounts were chosen: only their leads (a lead without one: none)
        paths = paths.semi_join(src.accounts, paths.account_id == src.accounts.id)
    return _finished(paths)


def _linked_deals(leads: ir.Table, deals: ir.Table, until: date) -> ir.Table:
    """(lead_id, account, stage, opened_day, closed_on): each lead's deals opened before the
    observation day, with their close day only if that is before it too."""
    d = deals.filter(deals.created_on < until)
    d = d.select(
        "lead_id",
        "account_id",
        "stage",
        "kind",
        closed_on=ibis.ifelse(d.closed_on < until, d.closed_on, ibis.null("date")),
        opened_day=d.created_on.delta(ibis.date(EPOCH), unit="day"),
    )
    keep = ("stage", "opened_day", "closed_on")
    named = leads.join(d, leads.lead_id == d.lead_id)
    named = named.select(*keep, lead_id=leads.lead_id, account=d.account_id)
    unnamed = d.filter(d.lead_id.isnull() & (d.kind == DealKind.NEW.value))
    by_account = leads.join(unnamed, leads.account_id == unnamed.account_id)
    by_account = by_account.select(*keep, lead_id=leads.lead_id, account=unnamed.account_id)
    return named.union(by_account, distinct=False)


def _first_values(inputs: Inputs) -> ir.Table:
    """(account_id, done_at) of the first-value milestones done before the observation day."""
    m = inputs.sources.milestones
    end = local_midnight(inputs.observed_until, inputs.zone)
    m = m.filter(m.is_first_value & m.done_at.notnull() & (m.done_at < end))
    return m.select("account_id", "done_at")


def _with_first_value(paths: ir.Table, values: ir.Table) -> ir.Table:
    """``value_day``: the first local day on or after the win with a first value done."""
    hits = paths.join(values, [paths.account_id == values.account_id, values.day >= paths.won_day])
    first = hits.group_by("lead_id").aggregate(value_day=hits.day.min())
    j = paths.left_join(first, paths.lead_id == first.lead_id)
    return j.select(*paths.columns, value_day=j.value_day).view()


def _with_mrr(inputs: Inputs, paths: ir.Table, until: date) -> ir.Table:
    """``matured`` (won 12 months before ``until`` or more), then ``mrr_at_win`` (when it
    started paying after the win: the later of the win and its first contract start),
    ``mrr_12m`` (12 months after the win) and ``expansion_won`` (an expansion deal of the
    account won after the win, up to those 12 months)."""
    first = revenue.first_paid_day(inputs.sources)
    j = paths.left_join(first, paths.account_id == first.account_id)
    started = ibis.ifelse(j.first_day > j.won_on, j.first_day, j.won_on)
    day_12m = (j.won_on + ibis.interval(months=12)).cast("date")
    p = j.select(*paths.columns, started_on=started, day_12m=day_12m).view()
    p = p.mutate(matured=p.won_on.notnull() & (p.day_12m < until)).view()
    grown = p.filter(p.matured)
    wanted = grown.select("account_id", day=grown.started_on).union(
        grown.select("account_id", day=grown.day_12m), distinct=True
    )
    mrr = _mrr_on(inputs, wanted)
    at_win, later = mrr.view(), mrr.view()
    kept = [*p.columns]
    p = p.left_join(at_win, [p.account_id == at_win.account_id, p.started_on == at_win.day])
    p = p.select(*kept, mrr_at_win=at_win.mrr).view()
    kept.append("mrr_at_win")
    p = p.left_join(later, [p.account_id == later.account_id, p.day_12m == later.day])
    p = p.select(*kept, mrr_12m=later.mrr).view()
    expanded = _expansions(inputs, p, until)
    j = p.left_join(expanded, p.lead_id == expanded.lead_id)
    return j.select(*p.columns, expansion_won=j.expansions.fill_null(0) > 0)


def _mrr_on(inputs: Inputs, wanted: ir.Table) -> ir.Table:
    """(account_id, day, mrr): each account's MRR on its days of ``wanted``; 0 without."""
    lines = revenue.contract_lines(inputs.sources)
    pairs = lines.join(wanted, lines.account_id == wanted.account_id)
    pairs = pairs.select("sub_id", at=pairs.day, day=pairs.day)
    priced = revenue.lines_mrr(inputs.sources, pairs, inputs.currency, inputs.scales)
    summed = priced.group_by(["account_id", "at"]).aggregate(mrr=priced.mrr.sum())
    found = wanted.left_join(
        summed, [wanted.account_id == summed.account_id, wanted.day == summed.at]
    )
    return found.select(
        account_id=found.account_id, day=found.day, mrr=found.mrr.fill_null(0).cast("int64")
    )


def _expansions(inputs: Inputs, p: ir.Table, until: date) -> ir.Table:
    """(lead_id, expansions): won expansion deals of a matured lead's account after its win,
    up to 12 months after it."""
    deals = inputs.sources.deals
    assert deals is not None  # _paths returned early without deals
    e = deals.filter(
        (deals.kind == DealKind.EXPANSION.value)
        & (deals.stage == DealStage.WON.value)
        & (deals.closed_on < until)
    )
    m = p.filter(p.matured)
    hits = m.join(
        e,
        (m.account_id == e.account_id) & (e.closed_on > m.won_on) & (e.closed_on <= m.day_12m),
    )
    return hits.group_by("lead_id").aggregate(expansions=hits.count())


def _finished(p: ir.Table) -> ir.Table:
    """Flags (0/1) and the days between stages, in ``PATH_SCHEMA``'s order."""
    one, zero = ibis.literal(1, "int64"), ibis.literal(0, "int64")
    won = p.won_day.notnull()
    onboarded = won & p.value_day.notnull()
    retained = p.matured & (p.mrr_12m > 0)
    expanded = retained & ((p.mrr_12m > p.mrr_at_win) | p.expansion_won)
    flags = {
        "leads": ibis.literal(value=True),
        "qualified": p.qualified_day.notnull(),
        "won": won,
        "onboarded": onboarded,
        "matured": p.matured,
        "retained": retained,
        "expanded": expanded,
    }
    null = ibis.null("int64")
    return p.select(
        "period",
        "lead_id",
        "account_id",
        "source",
        "lead_day",
        "qualified_day",
        "won_day",
        value_day=ibis.ifelse(onboarded, p.value_day, null),
        mrr_at_win=p.mrr_at_win,
        mrr_12m=p.mrr_12m,
        **{name: ibis.ifelse(flag, one, zero) for name, flag in flags.items()},
        days_to_qualify=p.qualified_day - p.lead_day,
        days_to_win=p.won_day - p.qualified_day,
        days_to_value=ibis.ifelse(onboarded, p.value_day - p.won_day, null),
    ).cast(PATH_SCHEMA)


def _earlier(a: ir.IntegerValue, b: ir.IntegerValue) -> ir.IntegerValue:
    """The smaller of two day numbers, either being null (LEAST treats nulls unlike on every
    engine)."""
    return ibis.ifelse(a.isnull() | (b.notnull() & (b < a)), b, a)
