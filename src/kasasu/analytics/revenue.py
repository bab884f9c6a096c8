"""MRR per account at any day, and its movements over periods (DESIGN.md §4).

Every amount is an integer in the reporting currency's minor unit. A contract line's MRR on a
day is round-half-up(amount × fx ÷ months of its billing interval); an account's MRR is the
sum of its lines'. Movements are computed per account from those integers, so
start + new + reactivation + expansion − contraction − churn = end holds exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from kasasu.analytics.sources import Sources

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _months(interval: ir.StringValue) -> ir.IntegerValue:
    return ibis.cases(*((interval == k, v) for k, v in _MONTHS.items()), else_=1)


def contract_lines(src: Sources) -> ir.Table:
    """Paying contract lines with the day their revenue stops (``until``, exclusive).

    A cancelled line stops on its cancellation date; a line that renews by itself and is not
    cancelled keeps going past its renewal date; any other line stops at its end date.
    Trials bring no revenue.
    """
    s = src.subscriptions
    s = s.filter((s.status != "trial") & (s.amount > 0))
    renewing = s.auto_renew & (s.status == "active")
    until = ibis.coalesce(s.cancelled_on, ibis.ifelse(renewing, ibis.null("date"), s.end_date))
    return s.select(
        sub_id=s.id,
        account_id=s.account_id,
        product=s.product,
        amount=s.amount,
        currency=s.currency,
        months=_months(s.billing_interval),
        start_date=s.start_date,
        until=until,
    )


def fx_at(src: Sources, days: ir.Table, currency: str, scales: Mapping[str, float]) -> ir.Table:
    """(cur, at, fx): minor units of ``cur`` → minor units of ``currency`` on each day.

    The rate is the latest one on or before the day; ``scales`` holds 10^(digits difference)
    per foreign currency. The reporting currency converts at 1.
    """
    er = src.exchange_rates
    er = er.filter(er.quote_currency == currency).select(
        cur=er.currency.cast("string"), rday=er.day, rate=er.rate.cast("float64")
    )
    dated = er.join(days, er.rday <= days.at)
    latest = dated.group_by(["cur", "at"]).aggregate(rday=dated.rday.max())
    rated = latest.join(er, ["cur", "rday"])
    scale = ibis.memtable(
        {"cur": list(scales), "scale": [float(v) for v in scales.values()]},
        schema={"cur": "string", "scale": "float64"},
    )
    foreign = rated.join(scale, "cur").select("cur", "at", fx=rated.rate * scale.scale)
    home = days.select(cur=ibis.literal(currency), at=days.at, fx=ibis.literal(1.0))
    return foreign.union(home, distinct=True)


def line_mrr(src: Sources, days: ir.Table, currency: str, scales: Mapping[str, float]) -> ir.Table:
    """(sub_id, account_id, product, at, mrr) for every line active on every day in ``days``."""
    lines = contract_lines(src)
    active = lines.join(
        days, (lines.start_date <= days.at) & (lines.until.isnull() | (days.at < lines.until))
    )
    fx = fx_at(src, days, currency, scales)
    priced = active.join(fx, [active.currency == fx.cur, active.at == fx.at])
    mrr = ((priced.amount.cast("float64") * priced.fx) / priced.months + 0.5).floor()
    return priced.select("sub_id", "account_id", "product", at=active.at, mrr=mrr.cast("int64"))


def boundaries(periods: ir.Table) -> ir.Table:
    """The distinct days on which a period starts or ends, as column ``at``."""
    return periods.select(at=periods.start).union(periods.select(at=periods.end), distinct=True)


def account_mrr(lines: ir.Table) -> ir.Table:
    """(account_id, at, mrr) with mrr > 0."""
    summed = lines.group_by(["account_id", "at"]).aggregate(mrr=lines.mrr.sum())
    return summed.filter(summed.mrr > 0)


def first_paid_day(src: Sources) -> ir.Table:
    """(account_id, first_day): the day an account first had revenue."""
    lines = contract_lines(src)
    return lines.group_by("account_id").aggregate(first_day=lines.start_date.min())


def start_end(periods: ir.Table, mrr: ir.Table, key: list[str]) -> ir.Table:
    """(period, *key, start, end): MRR at each period's start and end, 0 when absent."""
    at_start = periods.join(mrr, periods.start == mrr.at).select("period", *key, start=mrr.mrr)
    at_end = periods.join(mrr, periods.end == mrr.at).select("period", *key, end=mrr.mrr)
    keys = at_start.select("period", *key).union(at_end.select("period", *key), distinct=True)
    joined = keys.left_join(at_start, ["period", *key]).left_join(at_end, ["period", *key])
    return joined.select(
        "period",
        *key,
        start=joined.start.fill_null(0),
        end=joined.end.fill_null(0),
    )


def movements(periods: ir.Table, mrr: ir.Table, first: ir.Table) -> ir.Table:
    """Per period and account: start, end and the five movements of DESIGN.md §4."""
    se = start_end(periods, mrr, ["account_id"])
    se = se.join(periods.select("period", period_start=periods.start), "period")
    se = se.left_join(first, "account_id")
    before = se.first_day < se.period_start
    zero = ibis.literal(0, "int64")
    start, end = se.start, se.end
    return se.select(
        "period",
        "account_id",
        "start",
        "end",
        new=ibis.ifelse((start == 0) & (end > 0) & ~before, end, zero),
        reactivation=ibis.ifelse((start == 0) & (end > 0) & before, end, zero),
        expansion=ibis.ifelse((start > 0) & (end > start), end - start, zero),
        contraction=ibis.ifelse((end < start) & (end > 0), start - end, zero),
        churn=ibis.ifelse((start > 0) & (end == 0), start, zero),
    )
