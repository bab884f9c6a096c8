"""What the amounts behind a KPI are called (the columns of its drill-down): one vocabulary
for the explain page and the Excel report, so no raw key reaches a reader."""

from __future__ import annotations

from kasasu.domain.choices import CancellationReason
from kasasu.kit.i18n import Message, _

MOVEMENT_TITLES: dict[str, Message] = {
    "start": _("MRR at start"),
    "new": _("New"),
    "reactivation": _("Reactivation"),
    "expansion": _("Expansion"),
    "contraction": _("Contraction"),
    "churn": _("Churn"),
    "end": _("MRR at end"),
}
_OTHERS: dict[str, Message] = {
    "amount": _("Value"),
    "up_for_renewal": _("Up for renewal"),
    "renewed": _("Renewed"),
    "promoters": _("Promoters"),
    "passives": _("Passives"),
    "detractors": _("Detractors"),
    "satisfied": _("Satisfied"),
    "answers": _("Answers"),
    "score_total": _("Sum of scores"),
    "mrr": _("MRR"),
    "nps": _("NPS"),
    "tickets": _("Tickets"),
    "median_hours": _("Median hours"),
    "events": _("Events"),
    "dau_mau": _("DAU/MAU"),
    "days": _("Days"),
    # The funnel's stages and days between them (analytics.funnel).
    "leads": _("Leads"),
    "qualified": _("Qualified"),
    "won": _("Won"),
    "onboarded": _("Onboarded"),
    "matured": _("Won 12+ months ago"),
    "retained": _("Retained 12 months"),
    "expanded": _("Expanded"),
    "days_to_qualify": _("Days to qualify"),
    "days_to_win": _("Days to win"),
    "days_to_value": _("Days to first value"),
}


# Amounts always in minor units of the reporting currency (others are counts, hours,
# ratios); the KPI's own "amount" and its per-reason columns are money when the KPI is.
MONEY_AMOUNTS = frozenset({*MOVEMENT_TITLES, "mrr", "up_for_renewal", "renewed"})


# Amounts that state a level (MRR at the start and end), not a change: a drill-down's
# impact leaves them out, so an account whose MRR stood still did not move the figure.
LEVELS = frozenset({"start", "end"})


def is_money(name: str, unit: str) -> bool:
    """Whether the amount ``name`` of a KPI measured in ``unit`` is money."""
    follows_kpi = name == "amount" or name in {r.value for r in CancellationReason}
    return name in MONEY_AMOUNTS or (follows_kpi and unit == "money")


def amount_title(name: str, locale: str) -> str:
    """The amount ``name`` as people read it (a new one unknown here shows as it is)."""
    reasons = {r.value: r.label for r in CancellationReason}
    title = MOVEMENT_TITLES.get(name) or _OTHERS.get(name) or reasons.get(name)
    return title.render(locale) if title else name
