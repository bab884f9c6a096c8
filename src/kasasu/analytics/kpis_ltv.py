"""LTV by the seed formula (平均購入額 × 購入頻度 × 顧客維持期間) and projected by sBG.

For a subscription business the three factors are read off the contracts at the period end:
- average purchase amount: the mean invoice of the active contract lines, each invoice
  counted as often as it is billed (yearly revenue ÷ invoices per year, reporting currency);
- purchase frequency: invoices per account per month (Σ 1 ÷ months over the active lines,
  divided by the accounts paying at the end);
- retention period: 1 ÷ the monthly logo churn rate, in months (not defined without churn).
The three multiply back to about ARPA ÷ monthly churn, the simple LTV without a margin;
showing the factors lets a CS team see which one moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.kpis_revenue import per_period
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.domain.periods import Period, add_months, months_between
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _

if TYPE_CHECKING:
    from kasasu.analytics.models.sbg import SBGModel


def _billing_at_end(inputs: Inputs) -> ir.Table:
    """(period, account_id, yearly revenue, invoices per year) per account, product and
    billing interval paying at the period's end."""
    parts = inputs.parts
    ends = inputs.periods.select("period", "end")
    at_end = parts.join(ends, parts.at == ends.end)
    # Invoices per year (12, 4 or 1 a line) are integers: summing them is exact on every
    # engine, where summing 1/months as floats differs in the last digit with the order.
    return at_end.select(
        "period",
        "account_id",
        yearly=at_end.mrr * 12,
        per_year=(12 // at_end.months) * at_end.lines,
    )


def _ltv_seed(inputs: Inputs) -> ir.Table:
    bills = _billing_at_end(inputs)
    billed = per_period(
        inputs,
        bills,
        yearly=bills.yearly.sum(),
        per_year=bills.per_year.sum(),
        accounts=bills.account_id.nunique(),
    )
    m = inputs.movements
    churn = per_period(inputs, m, lost=(m.churn > 0).sum(), base=(m.start > 0).sum())
    t = billed.join(churn.select("period", "lost", "base"), "period")
    # The mean invoice weighted by how often each is billed: a yearly invoice counts once a
    # year, a monthly one twelve times, so average × frequency is the revenue per account.
    average = ibis.ifelse(t.per_year == 0, ibis.null("float64"), t.yearly / t.per_year)
    frequency = ibis.ifelse(t.accounts == 0, ibis.null("float64"), t.per_year / (t.accounts * 12.0))
    # Churn over a longer period is spread over its months: the factor is in months.
    monthly_churn = t.lost.cast("float64") / (t.base * t.months)
    retention = ibis.ifelse(t.lost == 0, ibis.null("float64"), 1.0 / monthly_churn)
    null = ibis.null("float64")
    return t.select(
        "period",
        value=(average * frequency * retention).cast("float64"),
        numerator=null,
        denominator=null,
        average_purchase=average.cast("float64"),
        purchase_frequency=frequency.cast("float64"),
        retention_months=retention.cast("float64"),
    )


_SEED = (
    Metric(
        "ltv_seed",
        Unit.MONEY,
        _("LTV (average purchase × frequency × retention)"),
        _(
            "Average purchase × purchase frequency × retention period: the mean invoice (weighted "
            "by how often it is billed) of the lines paying at the period's end × invoices per "
            "account per month × "
            "1 ÷ the monthly logo churn rate (not defined without churn)"
        ),
        _ltv_seed,
    ),
)


# A yearly discount rate of 10%, as a monthly rate: the cost of waiting for revenue.
YEARLY_DISCOUNT = 0.10
MONTHLY_DISCOUNT = (1 + YEARLY_DISCOUNT) ** (1 / 12) - 1
HISTORY_MONTHS = 24
SCALE = 1_000_000  # pooled survival as counts of a notional cohort, for the sBG fit


def _arpa(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(inputs, m, mrr=m.end.sum(), n=(m.end > 0).sum())
    arpa = ibis.ifelse(t.n == 0, ibis.null("float64"), t.mrr / t.n)
    null = ibis.null("float64")
    return t.select("period", value=null, numerator=null, denominator=null, arpa=arpa)


def _history(inputs: Inputs) -> Inputs:
    """Monthly cohorts from 24 months before the first period's end up to the last one's."""
    last = inputs.period_list[-1].end
    month = add_months(inputs.period_list[0].end, -HISTORY_MONTHS)
    months = []
    while month < last:
        months.append(Period(month, add_months(month, 1), f"{month:%Y-%m}"))
        month = add_months(month, 1)
    # Derived from the request's inputs: it reads the account MRR the request computed on
    # every month's first day (Inputs.all_days reaches back 24 months for it).
    return replace(inputs, period_list=months, root=inputs.root or inputs)


def _survival_runs(history: Inputs) -> ir.Table:
    """(cohort_end, survive, n): accounts per monthly cohort by the last month k up to which
    they paid at every month end since month 0 (the survival of the cohort matrices, counted
    from runs of consecutive months instead of a cohort × month grid)."""
    first = revenue.first_paid_day(history.sources)
    p = history.periods
    joined = first.join(p, (first.first_day >= p.start) & (first.first_day < p.end))
    cohort = joined.select("account_id", cohort_end=joined.end)
    mrr = history.account_mrr  # rows only where MRR > 0, on month firsts
    paid = mrr.join(cohort, (mrr.account_id == cohort.account_id) & (mrr.at >= cohort.cohort_end))
    month = (paid.at.year() * 12 + paid.at.month()) - (
        paid.cohort_end.year() * 12 + paid.cohort_end.month()
    )
    order = ibis.row_number().over(group_by=paid.account_id, order_by=paid.at)
    runs = paid.select(account=paid.account_id, cohort_end=paid.cohort_end, k=month, rn=order)
    runs = runs.filter(runs.k == runs.rn)  # still in the unbroken run from month 0
    per = runs.group_by(["account", "cohort_end"]).aggregate(survive=runs.k.max())
    return per.group_by(["cohort_end", "survive"]).aggregate(n=per.account.count())


def survivor_counts(runs: list[dict[str, Any]], last: date) -> dict[tuple[date, int], int]:
    """counts[c, k]: accounts of cohort c paying at every month end up to k, for every k seen
    by ``last`` (0 where nobody is left)."""
    counts: dict[tuple[date, int], int] = {}
    for row in runs:
        cohort, survive, n = row["cohort_end"], int(row["survive"]), int(row["n"])
        for k in range(months_between(cohort, last) + 1):
            counts[cohort, k] = counts.get((cohort, k), 0) + (n if k <= survive else 0)
    return counts


def pooled_survivors(counts: dict[tuple[date, int], int], until: date) -> list[int]:
    """Survivors of a notional cohort of SCALE: the product of each month's retention, pooled
    over the cohorts seen on both sides of it by ``until`` (a Kaplan-Meier-style estimate).

    ``counts[c, k]``: survivors of the cohort whose month 0 ends on ``c``, k months later
    (seen on ``c`` + k months).
    """
    survival, curve = 1.0, [SCALE]
    for k in range(1, HISTORY_MONTHS + 1):
        pairs = [
            (counts[c, k - 1], counts[c, k])
            for (c, j) in counts
            if j == k and add_months(c, k) <= until and counts.get((c, k - 1), 0) > 0
        ]
        alive_before = sum(before for before, _after in pairs)
        if not pairs or alive_before == 0:
            break
        survival *= sum(after for _before, after in pairs) / alive_before
        curve.append(round(SCALE * survival))
    return curve


def retention_fit(counts: dict[tuple[date, int], int], until: date) -> SBGModel | None:
    """The sBG fitted to the pooled survival seen by ``until``; None while the history is
    too short (under two months) or shows no churn, or the model cannot describe it."""
    from kasasu.analytics.models.sbg import fit_sbg

    curve = pooled_survivors(counts, until)
    if len(curve) < 3 or curve[-1] >= curve[0]:
        return None
    try:
        return fit_sbg(curve)
    except InvalidInput:
        return None


def retention_model(inputs: Inputs) -> SBGModel | None:
    """The retention model of the LTV KPI at the end of ``inputs``' last period: the one
    fit that both the KPI and every account's lifetime value use."""
    runs = evaluate(_survival_runs(_history(inputs))).to_pylist()
    end = inputs.period_list[-1].end
    return retention_fit(survivor_counts(runs, end), end)


def _project(inputs: Inputs, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    runs = evaluate(_survival_runs(_history(inputs))).to_pylist()
    counts = survivor_counts(runs, inputs.period_list[-1].end)
    projected = []
    for row, period in zip(rows, inputs.period_list, strict=True):
        model = retention_fit(counts, period.end) if row["arpa"] is not None else None
        value = alpha = beta = None
        if model is not None:
            alpha, beta = model.alpha, model.beta
            per_month = row["arpa"] * inputs.gross_margin
            value = model.expected_lifetime_value(per_month, MONTHLY_DISCOUNT)
        projected.append({**row, "value": value, "alpha": alpha, "beta": beta})
    return projected


METRICS = (
    *_SEED,
    Metric(
        "ltv_projected",
        Unit.MONEY,
        _("LTV (projected, sBG)"),
        _(
            "Expected discounted lifetime revenue of a new account: ARPA × gross margin paid "
            "each month while it stays, with retention from a shifted-beta-geometric model "
            "(Fader & Hardie 2007) fitted to the monthly survival of the cohorts of the 24 "
            "months before the period's end, discounted at 10% a year"
        ),
        _arpa,
        finish=_project,
    ),
)
