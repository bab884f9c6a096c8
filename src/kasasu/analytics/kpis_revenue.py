"""Revenue KPIs of DESIGN.md §4: MRR, ARR, movements, churn, GRR/NRR, ARPA, upsell, LTV."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kasasu.analytics.registry import Expression, Inputs, Metric, Unit
from kasasu.kit.i18n import _

MOVEMENTS = ("start", "new", "reactivation", "expansion", "contraction", "churn", "end")


def per_period(inputs: Inputs, table: ir.Table, **values: ir.Value) -> ir.Table:
    """Aggregate ``table`` by period; every period appears, with 0 where nothing happened."""
    grouped = table.group_by("period").aggregate(**values)
    joined = inputs.periods.select("period", "months").left_join(grouped, "period")
    return joined.select("period", "months", **{name: joined[name].fill_null(0) for name in values})


def ratio(
    table: ir.Table,
    numerator: ir.NumericValue,
    denominator: ir.NumericValue,
    keys: tuple[str, ...] = ("period",),
) -> ir.Table:
    value = ibis.ifelse(denominator == 0, ibis.null("float64"), numerator / denominator)
    return table.select(
        *keys,
        value=value.cast("float64"),
        numerator=numerator.cast("float64"),
        denominator=denominator.cast("float64"),
    )


def plain(table: ir.Table, value: ir.Value, *breakdown: str) -> ir.Table:
    """A KPI that is not a ratio: its value, and the ``breakdown`` columns of ``table``."""
    null = ibis.null("float64")
    return table.select(
        "period", *breakdown, value=value.cast("float64"), numerator=null, denominator=null
    )


def _mrr(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return plain(t := per_period(inputs, m, end=m.end.sum()), t.end)


def _arr(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return plain(t := per_period(inputs, m, end=m.end.sum()), t.end * 12)


def _movements(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(inputs, m, **{name: m[name].sum() for name in MOVEMENTS})
    return plain(t, t.end, *MOVEMENTS)


def _active(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return plain(t := per_period(inputs, m, n=(m.end > 0).sum()), t.n)


def _logo_churn(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(inputs, m, lost=(m.churn > 0).sum(), base=(m.start > 0).sum())
    return ratio(t, t.lost, t.base)


def _gross_churn(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(inputs, m, lost=(m.churn + m.contraction).sum(), base=m.start.sum())
    return ratio(t, t.lost, t.base)


def _grr(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    m = m.filter(m.start > 0)
    t = per_period(inputs, m, kept=(m.start - m.contraction - m.churn).sum(), base=m.start.sum())
    return ratio(t, t.kept, t.base)


def _nrr(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    m = m.filter(m.start > 0)
    t = per_period(inputs, m, kept=m.end.sum(), base=m.start.sum())
    return ratio(t, t.kept, t.base)


def _arpa(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(inputs, m, mrr=m.end.sum(), n=(m.end > 0).sum())
    return ratio(t, t.mrr, t.n)


def _sold(inputs: Inputs, which: str) -> ir.Table:
    """(period, account_id, amount): MRR grown on products the account had at the start
    (upsell) or brought by products it did not have (cross-sell), for accounts that did."""
    p = inputs.product_moves
    if which == "up":
        hits = p.filter((p.start > 0) & (p.end > p.start))
    else:
        hits = p.filter((p.start == 0) & (p.end > 0))
    gained = (hits.end - hits.start).sum()
    return hits.group_by(["period", "account_id"]).aggregate(amount=gained)


def _explain_sold(inputs: Inputs, which: str) -> ir.Table:
    sold = _sold(inputs, which)
    m = inputs.movements.select("period", "account_id", "start", "end")
    return sold.join(m, ["period", "account_id"])


def _sell_rate(inputs: Inputs, which: str) -> ir.Table:
    accounts = _sold(inputs, which)
    m = inputs.movements
    base = per_period(inputs, m, base=(m.start > 0).sum())
    hits = per_period(inputs, accounts, n=accounts.account_id.count())
    t = base.join(hits.select("period", "n"), "period")
    return ratio(t, t.n, t.base)


def _ltv_simple(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    t = per_period(
        inputs,
        m,
        mrr=m.end.sum(),
        n=(m.end > 0).sum(),
        lost=(m.churn > 0).sum(),
        base=(m.start > 0).sum(),
    )
    # Churn over a longer period is spread over its months: the formula wants a monthly rate.
    monthly_churn = t.lost.cast("float64") / (t.base * t.months)
    arpa = t.mrr.cast("float64") / t.n
    defined = (t.n > 0) & (t.lost > 0)
    value = ibis.ifelse(defined, arpa * inputs.gross_margin / monthly_churn, ibis.null("float64"))
    # Its terms as the breakdown, so the figure shows the gross margin it used.
    null = ibis.null("float64")
    terms = t.mutate(
        arpa=ibis.ifelse(t.n > 0, arpa, null),
        # Cast from text: PostgreSQL types a bare 1.0 as numeric, which Arrow will not
        # take as a double (ibis writes no cast for a float literal).
        gross_margin=ibis.literal(str(inputs.gross_margin)).cast("float64"),
        monthly_churn_rate=ibis.ifelse(t.base > 0, monthly_churn, null),
    )
    return plain(terms, value, *_LTV_TERMS)


_LTV_TERMS = ("arpa", "gross_margin", "monthly_churn_rate")


def _explain_churned(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return m.filter(m.churn > 0).select("period", "account_id", amount=m.churn)


def _explain_moves(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    moved = (m.new + m.reactivation + m.expansion + m.contraction + m.churn) > 0
    return m.filter(moved | (m.end > 0)).select(
        "period", "account_id", *MOVEMENTS[1:-1], "start", "end"
    )


def _explain_mrr(inputs: Inputs) -> ir.Table:
    m = inputs.movements
    return m.filter(m.end > 0).select("period", "account_id", amount=m.end)


def _twelve(expression: Expression) -> Expression:
    def over_twelve_months(inputs: Inputs) -> ir.Table:
        return expression(inputs.trailing(12))

    return over_twelve_months


METRICS = (
    Metric(
        "mrr",
        Unit.MONEY,
        _("MRR"),
        _(
            "Monthly recurring revenue on the period's last day: the monthly amount of every "
            "contract line serving that day (yearly ÷ 12, quarterly ÷ 3) in the reporting "
            "currency"
        ),
        _mrr,
        _explain_mrr,
    ),
    Metric("arr", Unit.MONEY, _("ARR"), _("12 × MRR at the end of the period"), _arr, _explain_mrr),
    Metric(
        "mrr_movements",
        Unit.MONEY,
        _("MRR movements"),
        _(
            "Per account, MRR at the period's start and end: new (none before, ever), "
            "reactivation (none at start, some before), expansion, contraction, churn (none at "
            "end); start + new + reactivation + expansion − contraction − churn = end"
        ),
        _movements,
        _explain_moves,
        MOVEMENTS,
    ),
    Metric(
        "active_accounts",
        Unit.COUNT,
        _("Active accounts"),
        _("Accounts with MRR > 0 at the end of the period"),
        _active,
        _explain_mrr,
    ),
    Metric(
        "logo_churn_rate",
        Unit.RATE,
        _("Logo churn rate"),
        _("Accounts churned in the period ÷ accounts active at its start"),
        _logo_churn,
        _explain_churned,
    ),
    Metric(
        "gross_mrr_churn_rate",
        Unit.RATE,
        _("Gross MRR churn rate"),
        _("(Churned MRR + contraction) ÷ MRR at the period's start"),
        _gross_churn,
        _explain_moves,
    ),
    Metric(
        "grr",
        Unit.RATE,
        _("GRR"),
        _(
            "For accounts active at the period's start: (their start MRR − contraction − churn) "
            "÷ their start MRR; never above 100%"
        ),
        _grr,
        _explain_moves,
    ),
    Metric(
        "nrr",
        Unit.RATE,
        _("NRR"),
        _("For accounts active at the period's start: their MRR at its end ÷ their start MRR"),
        _nrr,
        _explain_moves,
    ),
    Metric(
        "grr_12m",
        Unit.RATE,
        _("GRR, 12 months"),
        _("GRR over the 12 months ending with the period"),
        _twelve(_grr),
        _twelve(_explain_moves),
    ),
    Metric(
        "nrr_12m",
        Unit.RATE,
        _("NRR, 12 months"),
        _("NRR over the 12 months ending with the period"),
        _twelve(_nrr),
        _twelve(_explain_moves),
    ),
    Metric(
        "arpa",
        Unit.MONEY,
        _("ARPA"),
        _("MRR ÷ active accounts at the end of the period"),
        _arpa,
        _explain_mrr,
    ),
    Metric(
        "upsell_rate",
        Unit.RATE,
        _("Upsell rate"),
        _(
            "Accounts whose MRR of a product they had at the start grew ÷ accounts active at "
            "the start"
        ),
        lambda i: _sell_rate(i, "up"),
        lambda i: _explain_sold(i, "up"),
    ),
    Metric(
        "cross_sell_rate",
        Unit.RATE,
        _("Cross-sell rate"),
        _(
            "Accounts that added a product they did not have at the start ÷ accounts active "
            "at the start"
        ),
        lambda i: _sell_rate(i, "cross"),
        lambda i: _explain_sold(i, "cross"),
    ),
    Metric(
        "ltv_simple",
        Unit.MONEY,
        _("LTV (simple)"),
        _(
            "ARPA × gross margin (KASASU_GROSS_MARGIN, default 100%) ÷ monthly logo churn "
            "rate (not defined without churn)"
        ),
        _ltv_simple,
        breakdown=_LTV_TERMS,
    ),
)
