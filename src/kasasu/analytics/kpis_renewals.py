"""Renewal rates: of the contract terms that ended in a period, how many accounts and how
much MRR renewed (更新率).

A term ends on its line's end date (the last day of the term). The terms of a period are the
renewals recorded for dates in it, and the lines whose end date falls in it and that either
still run (renewing by themselves or not yet decided), churned on that day, or ended without
a new version; lines whose term is one month (billing cycles) are left out, as on the
renewal board. A line ended by an amendment (a new version of the same product from the next
day) counts only when its renewal is recorded, since it may have changed mid-term.

For each term, the MRR up for renewal is the line's MRR on the term's last day; the MRR
renewed is the MRR the next day of the line and of any new version of the same product that
starts that day (an expansion or a contraction recorded at the renewal). An account renewed
when it keeps some of that MRR.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.kpis_revenue import per_period, ratio
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.kit.i18n import _


def _terms(inputs: Inputs) -> ir.Table:
    """(period, sub_id, account_id, product, day, next_day): terms that ended in a period."""
    lines = revenue.contract_lines(inputs.sources)
    lines = lines.filter(lines.term > 1)
    nxt = (lines.end_date + ibis.interval(days=1)).cast("date")
    successor = lines.view()
    amended = lines.semi_join(
        successor,
        [
            lines.account_id == successor.account_id,
            lines.product == successor.product,
            successor.start_date == nxt,
        ],
    ).select("sub_id")
    ran_to_the_end = lines.cancelled_on.isnull() | (lines.cancelled_on == lines.end_date)
    ended = lines.filter(lines.end_date.notnull() & ran_to_the_end)
    ended = ended.anti_join(amended, "sub_id").select("sub_id", day=ended.end_date)
    recorded = inputs.sources.renewals
    if recorded is not None:
        chosen = recorded.select(sub_id=recorded.subscription_id, day=recorded.renewal_date)
        ended = ended.union(chosen.semi_join(lines, "sub_id"), distinct=True)
    p = inputs.periods
    joined = ended.join(p, (ended.day >= p.start) & (ended.day < p.end))
    joined = joined.join(lines.select("sub_id", "account_id", "product"), "sub_id")
    return joined.select(
        "period",
        "sub_id",
        "account_id",
        "product",
        "day",
        next_day=(joined.day + ibis.interval(days=1)).cast("date"),
    )


def _per_account(inputs: Inputs) -> ir.Table:
    """(period, account_id, up, kept): MRR up for renewal and MRR renewed, per account."""

    def build() -> ir.Table:
        terms = _terms(inputs)
        src, cur, scales = inputs.sources, inputs.currency, inputs.scales
        pairs = terms.select("sub_id", at=terms.day, day=terms.day).distinct()
        up = revenue.lines_mrr(src, pairs, cur, scales)
        up = terms.join(up, [terms.sub_id == up.sub_id, terms.day == up.at])
        up = up.group_by(["period", "account_id"]).aggregate(up=up.mrr.sum())
        # What serves the next day: the line itself, and new versions of its product.
        lines = revenue.contract_lines(src)
        t = terms.select("period", "account_id", "product", "day", "next_day", term="sub_id")
        versions = t.join(
            lines,
            [
                t.account_id == lines.account_id,
                t.product == lines.product,
                lines.start_date == t.next_day,
            ],
        ).select("period", "account_id", "day", "next_day", sub_id=lines.sub_id)
        itself = t.select("period", "account_id", "day", "next_day", sub_id=t.term)
        # A line kept by two terms of the same account, product and day counts once.
        after = itself.union(versions, distinct=True)
        pairs = after.select("sub_id", at=after.day, day=after.next_day).distinct()
        later = revenue.lines_mrr(src, pairs, cur, scales)
        kept = after.join(later, [after.sub_id == later.sub_id, after.day == later.at])
        kept = kept.group_by(["period", after.account_id]).aggregate(kept=kept.mrr.sum())
        both = up.left_join(kept, ["period", "account_id"])
        return both.select(
            "period", account_id=both.account_id, up=both.up, kept=both.kept.fill_null(0)
        )

    return inputs.shared("renewal_accounts", build)


def _logo_rate(inputs: Inputs) -> ir.Table:
    a = _per_account(inputs)
    t = per_period(inputs, a, renewed=(a.kept > 0).sum(), due=a.account_id.count())
    return ratio(t, t.renewed, t.due)


def _mrr_rate(inputs: Inputs) -> ir.Table:
    a = _per_account(inputs)
    t = per_period(inputs, a, kept=a.kept.sum(), due=a.up.sum())
    return ratio(t, t.kept, t.due)


def _explain(inputs: Inputs) -> ir.Table:
    a = _per_account(inputs)
    return a.select("period", "account_id", up_for_renewal=a.up, renewed=a.kept)


METRICS = (
    Metric(
        "logo_renewal_rate",
        Unit.RATE,
        _("Logo renewal rate"),
        _(
            "Accounts that renewed ÷ accounts with a contract term (longer than a month) "
            "ending in the period; an account renewed when it pays on the next day for the "
            "line or its new version"
        ),
        _logo_rate,
        _explain,
    ),
    Metric(
        "mrr_renewal_rate",
        Unit.RATE,
        _("MRR renewal rate"),
        _(
            "MRR renewed ÷ MRR up for renewal, over the contract terms (longer than a month) "
            "ending in the period: each line's MRR on the term's last day against its MRR, "
            "or its new version's, on the next day (expansions count, above 100% possible)"
        ),
        _mrr_rate,
        _explain,
    ),
)
