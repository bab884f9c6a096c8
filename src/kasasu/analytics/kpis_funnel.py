"""The Model funnel's KPIs (issue 19 §4): per cohort of leads, how many reached each stage,
each stage's conversion from the one before, and the median days between stages.

The stages of each lead are ``analytics.funnel``'s; ``stages_by`` sums them by any keys
(the period here; a lead source or a segment on the funnel page), so every figure of the
funnel, whatever its grouping, is one definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from kasasu.analytics.funnel import STAGES, VELOCITIES, funnel_paths
from kasasu.analytics.kpis_revenue import per_period, plain, ratio
from kasasu.analytics.kpis_support import median
from kasasu.analytics.registry import Expression, Inputs, Metric, Unit
from kasasu.kit.i18n import _

# Each conversion: (KPI name, stage, the stage it converts from).
CONVERSIONS = (
    ("funnel_qualification_rate", "qualified", "leads"),
    ("funnel_win_rate", "won", "qualified"),
    ("funnel_onboarding_rate", "onboarded", "won"),
    ("funnel_retention_rate", "retained", "matured"),
    ("funnel_expansion_rate", "expanded", "retained"),
)


def stages_by(paths: ir.Table, keys: list[str]) -> ir.Table:
    """(*keys, each stage's count, each velocity's median and its number of leads as
    ``<velocity>_n``) of ``paths`` grouped by ``keys``."""
    counts = paths.group_by(keys).aggregate(**{s: paths[s].sum() for s in STAGES})
    for name in VELOCITIES:
        m = median(paths, keys, name)
        m = m.select(*keys, **{name: m.median, f"{name}_n": m.n})
        joined = counts.left_join(m, [counts[k] == m[k] for k in keys])
        counts = joined.select(
            *counts.columns, **{name: joined[name], f"{name}_n": joined[f"{name}_n"]}
        )
    return counts


# Groups of the funnel page besides the periods: every lead of the span, each lead source
# (prefixed, so a source and a segment of the same name stay apart) and each segment.
TOTAL, SOURCE, SEGMENT = "total", "source:", "segment:"


def funnel_by_period(inputs: Inputs) -> ir.Table:
    """``stages_by`` per period (a period without leads has no row)."""
    return stages_by(funnel_paths(inputs), ["period"])


def funnel_groups(inputs: Inputs, members: Mapping[str, Sequence[int]]) -> ir.Table:
    """``stages_by`` per group of the span's leads: all of them (``TOTAL``), each source
    (``SOURCE`` + the source, "" without), and each segment of ``members`` (``SEGMENT`` +
    name: the leads whose account is one of its member ids)."""
    p = funnel_paths(inputs)
    grouped = p.mutate(group=ibis.literal(TOTAL)).union(
        p.mutate(group=ibis.literal(SOURCE) + p.source.fill_null("")), distinct=False
    )
    listed = [(SEGMENT + name, i) for name, ids in members.items() for i in ids]
    if listed:
        m = ibis.memtable(
            {"group": [g for g, _i in listed], "member_id": [i for _g, i in listed]},
            schema={"group": "string", "member_id": "int64"},
        )
        inside = p.join(m, p.account_id == m.member_id).select(*p.columns, group=m.group)
        grouped = grouped.union(inside, distinct=False)
    return stages_by(grouped, ["group"])


def _stages(inputs: Inputs) -> ir.Table:
    """Every period's stage counts, 0 in a period without leads."""
    paths = funnel_paths(inputs)
    return per_period(inputs, paths, **{s: paths[s].sum() for s in STAGES})


def _leads(inputs: Inputs) -> ir.Table:
    t = _stages(inputs)
    return plain(t, t.leads, *STAGES)


def _conversion(stage: str, base: str) -> Expression:
    def conversion(inputs: Inputs) -> ir.Table:
        t = _stages(inputs)
        return ratio(t, t[stage], t[base])

    return conversion


def _velocity(name: str) -> Expression:
    def velocity(inputs: Inputs) -> ir.Table:
        m = median(funnel_paths(inputs), ["period"], name)
        t = inputs.periods.select("period").left_join(m, "period")
        t = t.select("period", median=t.median, n=t.n.fill_null(0))
        return plain(t, t.median, "n")

    return velocity


def _explain(inputs: Inputs) -> ir.Table:
    """Per period and account: its leads at each stage, and its fastest days between them."""
    p = funnel_paths(inputs)
    p = p.filter(p.account_id.notnull())
    return p.group_by(["period", "account_id"]).aggregate(
        **{s: p[s].sum() for s in STAGES}, **{v: p[v].min() for v in VELOCITIES}
    )


_CONVERSION_TEXTS = {
    "funnel_qualification_rate": (
        _("Funnel: qualification rate"),
        _(
            "Of the leads that came in during the period, the share qualified: with a "
            "qualification time (qualified_at) or a deal opened"
        ),
    ),
    "funnel_win_rate": (
        _("Funnel: win rate"),
        _("Of the period's qualified leads, the share with a won deal (by its close day)"),
    ),
    "funnel_onboarding_rate": (
        _("Funnel: onboarding rate"),
        _(
            "Of the period's won leads, the share whose account did its first-value milestone "
            "(the one time to value reads) on or after the win"
        ),
    ),
    "funnel_retention_rate": (
        _("Funnel: 12-month retention"),
        _(
            "Of the period's won leads whose win is 12 months or more before the observation "
            "day, the share whose account has MRR on the day 12 months after the win"
        ),
    ),
    "funnel_expansion_rate": (
        _("Funnel: expansion"),
        _(
            "Of the period's retained leads, the share whose account's MRR 12 months after the "
            "win is above its MRR when it started paying (the later of the win and its first "
            "contract start), or that won an expansion deal in those 12 months"
        ),
    ),
}
_VELOCITY_TEXTS = {
    "days_to_qualify": (
        _("Funnel: days from lead to qualified"),
        _(
            "Median local days from a lead coming in to its qualification, over the period's "
            "qualified leads (even count: mean of the two middle values)"
        ),
    ),
    "days_to_win": (
        _("Funnel: days from qualified to won"),
        _(
            "Median local days from a lead's qualification to its win, over the period's won "
            "leads (even count: mean of the two middle values)"
        ),
    ),
    "days_to_value": (
        _("Funnel: days from won to first value"),
        _(
            "Median local days from a lead's win to its account's first value, over the "
            "period's onboarded leads (even count: mean of the two middle values)"
        ),
    ),
}

METRICS = (
    Metric(
        "funnel_leads",
        Unit.COUNT,
        _("Funnel: leads"),
        _(
            "Leads that came in during the period (their creation in the reporting zone): the "
            "funnel's cohort. The breakdown counts those that reached each stage: qualified "
            "(a qualification time or a deal opened), won (a won deal: their own, or a new "
            "business deal of their account naming no lead), onboarded (first value on or "
            "after the win), matured (won 12 months or more before the observation day), "
            "retained (matured, with MRR 12 months after the win) and expanded (retained, "
            "with more MRR than when it started paying, or an expansion deal won)"
        ),
        _leads,
        _explain,
        STAGES,
    ),
    *(
        Metric(name, Unit.RATE, title, definition, _conversion(stage, base), _explain)
        for (name, stage, base), (title, definition) in zip(
            CONVERSIONS, _CONVERSION_TEXTS.values(), strict=True
        )
    ),
    *(
        Metric(f"funnel_{name}", Unit.DAYS, title, definition, _velocity(name), _explain, ("n",))
        for name, (title, definition) in _VELOCITY_TEXTS.items()
    ),
)
