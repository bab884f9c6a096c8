"""Voice-of-customer KPIs of DESIGN.md §4: NPS with its 95% interval, CSAT, CES, churn by
reason and loyal customers.

Every answer given in the period counts, so a contact who answers twice counts twice: the
survey, not the contact, is the unit sampled. An answer is in the period when its instant is
in [00:00 local of the first day, 00:00 local of the day after the last).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.kpis_revenue import per_period, plain, ratio
from kasasu.analytics.kpis_support import in_periods
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.domain.choices import SURVEY_SIDES, CancellationReason
from kasasu.domain.periods import add_months
from kasasu.kit.i18n import _

NPS_BREAKDOWN = ("promoters", "passives", "detractors", "n", "ci_low", "ci_high")
Z95 = 1.96  # two-sided 95% quantile of the normal distribution
REASONS = tuple(reason.value for reason in CancellationReason)


def answers(inputs: Inputs, kind: str) -> ir.Table:
    """(period, id, account_id, score) of the answers of ``kind`` given in each period."""
    r = inputs.sources.survey_responses
    hits = in_periods(inputs, r.filter(r.kind == kind), "answered_at")
    return hits.select("period", "id", "account_id", "score")


_DETRACTORS, _PROMOTERS = SURVEY_SIDES["nps"]
_SATISFIED = SURVEY_SIDES["csat"][1][0]  # CSAT: the share of 4s and 5s


def _groups(a: ir.Table) -> dict[str, ir.Value]:
    return {
        "promoters": (a.score >= _PROMOTERS[0]).sum(),
        "passives": ((a.score > _DETRACTORS[1]) & (a.score < _PROMOTERS[0])).sum(),
        "detractors": (a.score <= _DETRACTORS[1]).sum(),
    }


def nps_and_variance(promoters: Any, detractors: Any, n: Any) -> tuple[Any, Any]:
    """NPS in points and the variance of that estimate in points² (DESIGN.md §4), from the
    counts; on Ibis values or plain floats. The 95% interval is NPS ± Z95 × √variance,
    clipped to −100…100."""
    p_pro, p_det = promoters / n, detractors / n
    # Var of one answer scored +1/0/−1, over n answers (the Wald interval).
    return (p_pro - p_det) * 100, 100 * 100 * (p_pro + p_det - (p_pro - p_det) ** 2) / n


def _counts(kind: str, a: ir.Table) -> dict[str, ir.Value]:
    """What a score of ``kind`` is computed from, per group of ``answers``."""
    if kind == "nps":
        return {"n": a.id.count(), **_groups(a)}
    if kind == "csat":
        return {"satisfied": (a.score >= _SATISFIED).sum(), "n": a.id.count()}
    return {"total": a.score.sum(), "n": a.id.count()}


def _scores(kind: str, t: ir.Table, keys: tuple[str, ...]) -> ir.Table:
    """The KPI's row per ``keys`` from the ``_counts`` of ``kind``."""
    if kind == "csat":
        return ratio(t, t.satisfied, t.n, keys)
    if kind == "ces":
        return ratio(t, t.total, t.n, keys)
    n = t.n.cast("float64")
    value, variance = nps_and_variance(t.promoters, t.detractors, n)
    half = Z95 * variance.sqrt()
    null = ibis.null("float64")
    some = t.n > 0
    return t.select(
        *keys,
        value=ibis.ifelse(some, value, null),
        numerator=(t.promoters - t.detractors).cast("float64"),
        denominator=n,
        promoters=t.promoters,
        passives=t.passives,
        detractors=t.detractors,
        n=t.n,
        ci_low=ibis.ifelse(some, ibis.greatest(value - half, -100.0), null),
        ci_high=ibis.ifelse(some, ibis.least(value + half, 100.0), null),
    )


def _score(kind: str) -> Callable[[Inputs], ir.Table]:
    def compute(inputs: Inputs) -> ir.Table:
        a = answers(inputs, kind)
        return _scores(kind, per_period(inputs, a, **_counts(kind, a)), ("period",))

    return compute


def scores_by_group(inputs: Inputs, kind: str, members: ir.Table) -> ir.Table:
    """The NPS, CSAT or CES KPI for many groups of accounts in one query: (group, period,
    value, numerator, denominator, and NPS's breakdown) for every group with answers.

    ``members`` lists (group, period, account_id): the accounts whose answers in that period
    count for the group. The same account may be in several groups; one expression instead
    of one KPI request per group (survey results by plan and segment: 27 requests, ~0.9 s on
    a 30-account demo) because compiling each Ibis expression is what costs.
    """
    a = answers(inputs, kind)
    a = a.join(members, ["period", "account_id"])
    t = a.group_by(["group", "period"]).aggregate(**_counts(kind, a))
    return _scores(kind, t, ("group", "period"))


def _explain_nps(inputs: Inputs) -> ir.Table:
    a = answers(inputs, "nps")
    return a.group_by(["period", "account_id"]).aggregate(**_groups(a))


def _explain_csat(inputs: Inputs) -> ir.Table:
    a = answers(inputs, "csat")
    return a.group_by(["period", "account_id"]).aggregate(
        satisfied=(a.score >= _SATISFIED).sum(), answers=a.id.count()
    )


def _explain_ces(inputs: Inputs) -> ir.Table:
    a = answers(inputs, "ces")
    return a.group_by(["period", "account_id"]).aggregate(
        answers=a.id.count(), score_total=a.score.sum()
    )


def _churned(inputs: Inputs) -> ir.Table:
    """(period, account_id, mrr, logos = 1, reason) of the accounts churned in each period.

    The reason is the ``cancel_reason`` of the account's subscription cancelled last on or
    before the period's end (ties: the later row), and "other" when there is none or it has
    no reason.
    """
    m = inputs.movements
    lost = m.filter(m.churn > 0).select("period", "account_id", mrr=m.churn)
    s = inputs.sources.subscriptions
    s = s.filter(s.cancelled_on.notnull())
    ends = inputs.periods.select("period", period_end="end")
    # Only the churned accounts' subscriptions: joining every cancelled line with every
    # period first cost ~0.1 s per KPI on the metrics benchmark.
    lost_at = lost.join(ends, "period").select("period", "period_end", lost_account="account_id")
    c = s.join(
        lost_at, (s.account_id == lost_at.lost_account) & (s.cancelled_on <= lost_at.period_end)
    )
    order = [ibis.desc(c.cancelled_on), ibis.desc(c.id)]
    c = c.select(
        "period",
        "account_id",
        reason=c.cancel_reason,
        rank=ibis.row_number().over(group_by=["period", "account_id"], order_by=order),
    )
    last = c.filter(c["rank"] == 0).select("period", "account_id", "reason")
    j = lost.left_join(last, ["period", "account_id"])
    return j.select(
        "period",
        "account_id",
        "mrr",
        logos=ibis.literal(1, "int64"),
        reason=j.reason.fill_null("other"),
    )


def _by_reason(inputs: Inputs, *, logos: bool) -> ir.Table:
    c = inputs.shared("churned_by_reason", lambda: _churned(inputs))
    amount = c.logos if logos else c.mrr
    zero = ibis.literal(0, "int64")
    per = {r: ibis.ifelse(c.reason == r, amount, zero).sum() for r in REASONS}
    t = per_period(inputs, c, total=amount.sum(), **per)
    return plain(t, t.total, *REASONS)


def _explain_reasons(inputs: Inputs, *, logos: bool) -> ir.Table:
    # Explain rows hold numbers only, so the reason is the column its amount sits in.
    c = _churned(inputs)
    amount = c.logos if logos else c.mrr
    per = {r: ibis.ifelse(c.reason == r, amount, ibis.null("int64")) for r in REASONS}
    return c.select("period", "account_id", amount=amount, **per)


def loyal(inputs: Inputs) -> ir.Table:
    """(period, account_id, mrr, nps): the loyal customers at each period's end.

    Active at the end; first paid day at least 12 months before the end; latest NPS answer
    before the end 9 or 10; no contraction and no churn in any of the 6 months before the end;
    and, unless ``inputs.loyal_bands`` is empty, a latest health score by the end in one of
    those bands (green).
    """
    m = inputs.movements
    active = m.filter(m.end > 0).select("period", "account_id", mrr=m.end)
    since = ibis.memtable(
        {
            "period": [p.label for p in inputs.period_list],
            "since": [add_months(p.end, -12) for p in inputs.period_list],
        },
        schema={"period": "string", "since": "date"},
    )
    first = revenue.first_paid_day(inputs.sources)
    tenured = active.join(since, "period").join(first, "account_id")
    tenured = tenured.filter(tenured.first_day <= tenured.since)
    nps = _latest_nps(inputs)
    promoters = tenured.join(nps.filter(nps.score >= _PROMOTERS[0]), ["period", "account_id"])
    kept = promoters.anti_join(_shrunk(inputs), ["period", "account_id"])
    if inputs.loyal_bands:
        healthy = _latest_band(inputs)
        healthy = healthy.filter(healthy.band.isin(list(inputs.loyal_bands)))
        # A join, not a semi-join: one row per period and account on each side, and the
        # PostgreSQL compiler writes this semi-join as LEFT SEMI JOIN, which it cannot run.
        kept = kept.join(healthy.select("period", "account_id"), ["period", "account_id"])
    return kept.select("period", "account_id", "mrr", nps=kept.score)


def _latest_band(inputs: Inputs) -> ir.Table:
    """(period, account_id, band): each account's band on the latest day scored on or before
    the period's last day (the refresh scores every paying account, as the pages read "the
    latest refresh"); none without health scores.

    The day first, then the scores of that day: joining every score with every later period
    and ranking them took all KPIs of the metrics benchmark from ~3.4 s to ~12 s.
    """
    h = inputs.sources.health_scores
    if h is None:
        return ibis.memtable(
            {"period": [], "account_id": [], "band": []},
            schema={"period": "string", "account_id": "int64", "band": "string"},
        )
    p = inputs.periods.select("period", "end")
    days = h.select("as_of").distinct()
    days = days.join(p, days.as_of < p.end)
    latest = days.group_by("period").aggregate(day=days.as_of.max())
    scored = h.join(latest, h.as_of == latest.day)
    return scored.select("period", "account_id", "band")


def _latest_nps(inputs: Inputs) -> ir.Table:
    """(period, account_id, score): each account's latest NPS answer before the period's end."""
    r = inputs.sources.survey_responses
    r = r.filter(r.kind == "nps")
    p = inputs.periods.select("period", "end_at")
    return _latest(r.join(p, r.answered_at < p.end_at), "answered_at", "score")


def _latest(joined: ir.Table, at: str, value: str) -> ir.Table:
    """(period, account_id, value): per period and account, the row latest by ``at`` (then
    by id) of rows already joined to the periods they count in."""
    order = [ibis.desc(joined[at]), ibis.desc(joined.id)]
    ranked = joined.select(
        "period",
        "account_id",
        value,
        rank=ibis.row_number().over(group_by=["period", "account_id"], order_by=order),
    )
    return ranked.filter(ranked["rank"] == 0).select("period", "account_id", value)


def _shrunk(inputs: Inputs) -> ir.Table:
    """(period, account_id) with contraction or churn in a month of the 6 before the end.

    Contraction or churn in a month is exactly MRR at its end below MRR at its start, so the
    months need only their start and end MRR (not the five movements): each distinct month
    once, from the account MRR the request already has on every month's first day.
    """
    owned = [(add_months(p.end, -k - 1), p.label) for p in inputs.period_list for k in range(6)]
    firsts = sorted({month for month, _label in owned})
    months = ibis.memtable(
        {
            "period": [m.isoformat() for m in firsts],
            "start": firsts,
            "end": [add_months(m, 1) for m in firsts],
        },
        schema={"period": "string", "start": "date", "end": "date"},
    )
    days = {*firsts, *(add_months(m, 1) for m in firsts)}
    se = revenue.start_end(months, inputs.account_mrr_on(days), ["account_id"])
    fell = se.filter(se.end < se.start)
    owner = ibis.memtable(
        {"month": [m.isoformat() for m, _l in owned], "owner": [label for _m, label in owned]},
        schema={"month": "string", "owner": "string"},
    )
    j = fell.join(owner, fell.period == owner.month)
    return j.select(period=j.owner, account_id=j.account_id).distinct()


def _loyal_count(inputs: Inputs) -> ir.Table:
    c = loyal(inputs)
    return plain(t := per_period(inputs, c, n=c.account_id.count()), t.n)


METRICS = (
    Metric(
        "nps",
        Unit.SCORE,
        _("NPS"),
        _(
            "% promoters (9–10) − % detractors (0–6) among the NPS answers given in the period, "
            "from −100 to 100; every answer counts, also a contact's second one. Numerator: "
            "promoters − detractors; denominator: answers. 95% interval: NPS ± 1.96 × 100 × "
            "√((pP + pD − (pP − pD)²) ÷ n), kept within −100..100"
        ),
        _score("nps"),
        _explain_nps,
        NPS_BREAKDOWN,
    ),
    Metric(
        "csat",
        Unit.RATE,
        _("CSAT"),
        _("Share of the CSAT answers given in the period that are 4 or 5 (on 1–5)"),
        _score("csat"),
        _explain_csat,
    ),
    Metric(
        "ces",
        Unit.SCORE,
        _("CES"),
        _("Mean of the CES answers given in the period (on 1–7)"),
        _score("ces"),
        _explain_ces,
    ),
    Metric(
        "churn_by_reason",
        Unit.MONEY,
        _("Churned MRR by reason"),
        _(
            "MRR at the period's start of the accounts that churned in it, per cancellation "
            "reason: the reason of the account's subscription cancelled last by the period's "
            'end, "other" when none is given'
        ),
        lambda i: _by_reason(i, logos=False),
        lambda i: _explain_reasons(i, logos=False),
        REASONS,
        pareto=True,
    ),
    Metric(
        "churned_logos_by_reason",
        Unit.COUNT,
        _("Churned accounts by reason"),
        _(
            "Accounts that churned in the period, per cancellation reason (as for churned MRR "
            "by reason)"
        ),
        lambda i: _by_reason(i, logos=True),
        lambda i: _explain_reasons(i, logos=True),
        REASONS,
        pareto=True,
    ),
    Metric(
        "loyal_customers",
        Unit.COUNT,
        _("Loyal customers"),
        _(
            "Accounts at the period's end that have paid for 12 months or more (first paid day "
            "at least 12 months before the end), whose latest NPS answer is 9 or 10 and that "
            "had no contraction or churn in any of the 6 months before the end, and whose latest "
            "health score by the end is green (a query may drop the health condition)"
        ),
        _loyal_count,
        loyal,
    ),
)
