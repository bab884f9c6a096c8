"""Which accounts a trigger fires for on a day, for which occurrence (the window), and
how a person reads the trigger (``TRIGGERS``: one entry per kind, read by the pages and
the CLI). The kinds are grouped by what they react to, one module per family.

The window names the occurrence a run answers, so that it fires once for it: the renewal
date for "renewal in 90 days", the ticket for "ticket escalated", the answer for "NPS
detractor", the day the silence began for "no login for 14 days", the month for a monthly
schedule, and the day itself for conditions that are re-checked daily (a cool-down spaces
those out).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.playbooks.triggers import engagement, measures, records, schedule, segments
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind

TRIGGERS: dict[str, TriggerKind] = {
    k.type: k
    for family in (measures, records, engagement, segments, schedule)
    for k in family.KINDS
}


def fire(trigger: Any, facts: Facts) -> list[Firing]:
    """The firings of ``trigger``, for customers only: accounts paying on the day (those
    with features), not the ones that left long ago with a milestone still open."""
    paying = facts.features()
    found = TRIGGERS[trigger.type].fire(trigger, facts)
    return [f for f in found if f.account_id in paying]


def trigger_words(trigger: Mapping[str, Any], locale: str) -> str:
    """The trigger and its parameters in words, e.g. "Renewal in 90 days" (an unknown
    type as it is written)."""
    kind = str(trigger.get("type", ""))
    found = TRIGGERS.get(kind)
    return found.words(trigger, locale).render(locale) if found else kind
