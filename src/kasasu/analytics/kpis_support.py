"""Support KPIs of DESIGN.md §4: tickets opened and resolved, median response times.

Times are calendar hours (business hours are not modelled yet). Both timestamps of a ticket
are truncated to the whole second before they are subtracted, so every engine computes the
same integer number of seconds.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kasasu.analytics.kpis_revenue import per_period, plain
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.kit.i18n import _


def in_periods(inputs: Inputs, table: ir.Table, column: str) -> ir.Table:
    """Rows of ``table`` whose instant ``column`` is in [start_at, end_at) of a period."""
    p = inputs.periods.select("period", "start_at", "end_at")
    joined = table.join(p, (table[column] >= p.start_at) & (table[column] < p.end_at))
    return joined.select("period", *table.columns)


def median(table: ir.Table, keys: list[str], value: str) -> ir.Table:
    """(*keys, median, n): the exact median of ``value`` per group, as float64.

    The middle value, or for an even count the mean of the two middle values. Built from
    row_number and count windows rather than ``.median()``: ibis compiles that to
    QUANTILE_CONT on DuckDB and PERCENTILE_CONT on PostgreSQL, whose interpolation need not
    agree to the last bit; the mean of two numbers does.
    """
    rows = table.filter(table[value].notnull())
    ranked = rows.select(
        *keys,
        v=rows[value].cast("float64"),
        # row_number() counts from 0; the ranks 1..n are wanted.
        rank=ibis.row_number().over(group_by=keys, order_by=rows[value]) + 1,
        n=rows[value].count().over(group_by=keys),
    )
    # rank r is a middle one when n ≤ 2r ≤ n + 2: r = (n+1)/2 for odd n, n/2 and n/2+1 for even.
    middle = ranked.filter((ranked["rank"] * 2 >= ranked.n) & (ranked["rank"] * 2 <= ranked.n + 2))
    return middle.group_by(keys).aggregate(median=middle.v.mean(), n=middle.n.max())


def whole_seconds(instant: ir.TimestampValue) -> ir.IntegerValue:
    """Seconds since the epoch of ``instant`` truncated to the second (exact on every engine)."""
    return instant.truncate("s").epoch_seconds().cast("int64")


def _counted(inputs: Inputs, column: str) -> ir.Table:
    t = inputs.sources.tickets
    hits = in_periods(inputs, t.filter(t[column].notnull()), column)
    return per_period(inputs, hits, n=hits.id.count())


def _opened(inputs: Inputs) -> ir.Table:
    return plain(t := _counted(inputs, "opened_at"), t.n)


def _resolved(inputs: Inputs) -> ir.Table:
    return plain(t := _counted(inputs, "resolved_at"), t.n)


def ticket_hours(inputs: Inputs, column: str) -> ir.Table:
    """(period, account_id, hours): tickets opened in the period with ``column`` set."""
    t = inputs.sources.tickets
    opened = in_periods(inputs, t.filter(t[column].notnull()), "opened_at")
    seconds = whole_seconds(opened[column]) - whole_seconds(opened.opened_at)
    return opened.select("period", "account_id", hours=seconds.cast("float64") / 3600)


def _median_hours(inputs: Inputs, column: str) -> ir.Table:
    m = median(ticket_hours(inputs, column), ["period"], "hours")
    t = inputs.periods.select("period").left_join(m, "period")
    t = t.select("period", median=t.median, n=t.n.fill_null(0))
    return plain(t, t.median, "n")


def _explain_counted(inputs: Inputs, column: str) -> ir.Table:
    t = inputs.sources.tickets
    hits = in_periods(inputs, t.filter(t[column].notnull()), column)
    return hits.group_by(["period", "account_id"]).aggregate(tickets=hits.id.count())


def _explain_hours(inputs: Inputs, column: str) -> ir.Table:
    m = median(ticket_hours(inputs, column), ["period", "account_id"], "hours")
    return m.select("period", "account_id", tickets=m.n, median_hours=m.median)


METRICS = (
    Metric(
        "tickets_opened",
        Unit.COUNT,
        _("Tickets opened"),
        _("Support tickets opened in the period"),
        _opened,
        lambda i: _explain_counted(i, "opened_at"),
    ),
    Metric(
        "tickets_resolved",
        Unit.COUNT,
        _("Tickets resolved"),
        _("Support tickets resolved in the period, whenever they were opened"),
        _resolved,
        lambda i: _explain_counted(i, "resolved_at"),
    ),
    Metric(
        "first_response_hours",
        Unit.HOURS,
        _("Median first response time"),
        _(
            "Median hours from opening to first response, over tickets opened in the period "
            "that have a first response (even count: mean of the two middle values; calendar "
            "hours, to the second)"
        ),
        lambda i: _median_hours(i, "first_response_at"),
        lambda i: _explain_hours(i, "first_response_at"),
        ("n",),
    ),
    Metric(
        "resolution_hours",
        Unit.HOURS,
        _("Median resolution time"),
        _(
            "Median hours from opening to resolution, over tickets opened in the period that "
            "are resolved (even count: mean of the two middle values; calendar hours, to the "
            "second)"
        ),
        lambda i: _median_hours(i, "resolved_at"),
        lambda i: _explain_hours(i, "resolved_at"),
        ("n",),
    ),
)
