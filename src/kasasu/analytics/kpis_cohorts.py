"""Cohort retention (DESIGN.md §4): for accounts whose first paid month is c, the share still
active (logo) and the share of MRR kept (revenue) k months later.

A cohort is the accounts whose first paid day falls in the period and that pay at its end
(month 0). Logo retention counts an account at month k only if it paid at every month end
from 0 to k — a survival curve, so it never rises, and it is what the sBG model fits.
Revenue retention is the cohort's MRR at month k ÷ its MRR at month 0 (it can exceed 100%).
The breakdown holds m0, m1, … up to the last month end the query covers; the value is m12.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.domain.periods import add_months, months_between
from kasasu.kit.i18n import _

VALUE_AT = 12


def horizon(inputs: Inputs) -> int:
    """How many month ends after the first cohort's month 0 the query reaches."""
    periods = inputs.period_list
    return months_between(periods[0].end, periods[-1].end)


def _grid_rows(inputs: Inputs) -> list[tuple[str, int, date]]:
    """(period, k, at): month k's end (as a boundary) for each cohort, up to the query's last."""
    last = inputs.period_list[-1].end
    return [
        (p.label, k, add_months(p.end, k))
        for p in inputs.period_list
        for k in range(months_between(p.end, last) + 1)
    ]


def _grid(rows: list[tuple[str, int, date]]) -> ir.Table:
    return ibis.memtable(
        {"period": [r[0] for r in rows], "k": [r[1] for r in rows], "at": [r[2] for r in rows]},
        schema={"period": "string", "k": "int64", "at": "date"},
    )


def _cohort_mrr(inputs: Inputs) -> ir.Table:
    """(period, account_id, k, mrr) for cohort members; mrr 0 where they did not pay."""
    rows = _grid_rows(inputs)
    grid = _grid(rows)
    mrr = inputs.account_mrr_on(at for _p, _k, at in rows)
    first = revenue.first_paid_day(inputs.sources)
    p = inputs.periods
    joined = first.join(p, (first.first_day >= p.start) & (first.first_day < p.end))
    members = joined.join(mrr, (joined.account_id == mrr.account_id) & (mrr.at == joined.end))
    members = members.select("period", account_id=joined.account_id)
    cells = members.join(grid, "period")
    later = mrr.view()  # the same table joined a second time needs its own name
    cells = cells.left_join(later, [cells.account_id == later.account_id, cells.at == later.at])
    return cells.select("period", "k", account_id=cells.account_id, mrr=cells.mrr.fill_null(0))


def kept_by_month(inputs: Inputs, logo: bool) -> ir.Table:
    """(period, k, kept): per cohort and month k, the survivors (logo) or their MRR (revenue)."""
    cells = inputs.shared("cohort_mrr", lambda: _cohort_mrr(inputs))
    if logo:
        gaps = cells.filter(cells.mrr == 0)
        first_gap = gaps.group_by(["period", "account_id"]).aggregate(gap=gaps.k.min())
        cells = cells.left_join(first_gap, ["period", "account_id"])
        # ifelse, not a cast: PostgreSQL cannot cast a boolean to bigint.
        kept = ibis.ifelse(cells.gap.isnull() | (cells.k < cells.gap), 1, 0)
    else:
        kept = cells.mrr
    return cells.group_by(["period", "k"]).aggregate(kept=kept.sum())


def _matrix(inputs: Inputs, logo: bool) -> ir.Table:
    by_k = kept_by_month(inputs, logo)
    base = by_k.filter(by_k.k == 0).select("period", base=by_k.kept)
    shares = by_k.join(base, "period")
    share = ibis.ifelse(shares.base == 0, ibis.null("float64"), shares.kept / shares.base)
    columns = {
        f"m{k}": (shares.k == k).ifelse(share, ibis.null("float64")).max()
        for k in range(horizon(inputs) + 1)
    }
    wide = shares.group_by("period").aggregate(base=shares.base.max(), **columns)
    table = inputs.periods.select("period").left_join(wide, "period")
    null = ibis.null("float64")
    value = table[f"m{VALUE_AT}"] if horizon(inputs) >= VALUE_AT else null
    return table.select(
        "period",
        value=value,
        numerator=null,
        denominator=table.base.cast("float64"),
        **{name: table[name] for name in columns},
    )


METRICS = (
    Metric(
        "cohort_logo_retention",
        Unit.RATE,
        _("Cohort logo retention"),
        _(
            "For accounts whose first paid month is the period: the share paying at every month "
            "end up to k months later (m0, m1, …); the value is m12"
        ),
        lambda inputs: _matrix(inputs, logo=True),
    ),
    Metric(
        "cohort_revenue_retention",
        Unit.RATE,
        _("Cohort revenue retention"),
        _(
            "For accounts whose first paid month is the period: their MRR k months later ÷ their "
            "MRR at the end of that first month (m0, m1, …); the value is m12"
        ),
        lambda inputs: _matrix(inputs, logo=False),
    ),
)
