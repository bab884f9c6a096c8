"""LTV by the seed formula: 平均購入額 × 購入頻度 × 顧客維持期間 (DESIGN.md §4).

For a subscription business the three factors are read off the contracts at the period end:
- average purchase amount: the mean amount billed per invoice of the active contract lines
  (their MRR × months of the billing interval, in the reporting currency);
- purchase frequency: invoices per account per month (Σ 1 ÷ months over the active lines,
  divided by the accounts paying at the end);
- retention period: 1 ÷ the monthly logo churn rate, in months (not defined without churn).
The three multiply back to about ARPA ÷ monthly churn, the simple LTV without a margin;
showing the factors lets a CS team see which one moves.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.kpis_revenue import per_period
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.kit.i18n import _


def _billing_at_end(inputs: Inputs) -> ir.Table:
    """(period, account_id, invoice, per_year) for each line active at the period's end."""
    lines = inputs.lines
    terms = revenue.contract_lines(inputs.sources).select("sub_id", "months")
    ends = inputs.periods.select("period", "end")
    at_end = lines.join(ends, lines.at == ends.end).join(terms, "sub_id")
    # Invoices per year (12, 4 or 1) are integers: summing them is exact on every engine,
    # where summing 1/months as floats differs in the last digit with the order of addition.
    return at_end.select(
        "period",
        "account_id",
        invoice=at_end.mrr * at_end.months,
        per_year=12 // at_end.months,
    )


def _ltv_seed(inputs: Inputs) -> ir.Table:
    bills = _billing_at_end(inputs)
    billed = per_period(
        inputs,
        bills,
        invoices=bills.invoice.sum(),
        lines=bills.account_id.count(),
        per_year=bills.per_year.sum(),
        accounts=bills.account_id.nunique(),
    )
    m = inputs.movements
    churn = per_period(inputs, m, lost=(m.churn > 0).sum(), base=(m.start > 0).sum())
    t = billed.join(churn.select("period", "lost", "base"), "period")
    average = ibis.ifelse(t.lines == 0, ibis.null("float64"), t.invoices / t.lines)
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


METRICS = (
    Metric(
        "ltv_seed",
        Unit.MONEY,
        _("LTV (average purchase × frequency × retention)"),
        _(
            "Average purchase × purchase frequency × retention period: the mean invoice of the "
            "contract lines active at the period's end × invoices per account per month × "
            "1 ÷ the monthly logo churn rate (not defined without churn)"
        ),
        _ltv_seed,
    ),
)
