"""Who a playbook fires for on a day: its trigger's firings that match its condition, once
per account, leaving out the occurrences answered before and the accounts cooling down."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from kasasu.domain.account_fields import RULE_FIELDS
from kasasu.domain.rules import compile_rule
from kasasu.playbooks import schemas as s
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.triggers import fire
from kasasu.playbooks.triggers.base import Firing
from kasasu.segments.schemas import RULE_NAMES, rule_values


def new_firings(
    playbook: s.PlaybookDefinition, facts: DayFacts, recent: Iterable[tuple[int, str, date]]
) -> tuple[list[Firing], int]:
    """The playbook's firings on the facts' day that match its condition, once per account,
    leaving out the occurrences ``recent`` runs (account, window, day) answered already and
    the accounts still in their cool-down; and how many were left out."""
    candidates = _matching(playbook, fire(playbook.trigger, facts), facts)
    recent = list(recent)
    done = {(a, w) for a, w, _d in recent}
    cool_from = facts.day - timedelta(days=playbook.cooldown_days - 1)
    cooling = {a for a, _w, d in recent if playbook.cooldown_days and cool_from <= d <= facts.day}
    # Leave out the occurrences answered before choosing one per account, so that after the
    # cool-down an account fires for its next occurrence (its second overdue milestone).
    fresh = _once_per_account([f for f in candidates if (f.account_id, f.window) not in done])
    new = [f for f in fresh if f.account_id not in cooling]
    return new, len(candidates) - len(new)


def _once_per_account(firings: list[Firing]) -> list[Firing]:
    """At most one firing per account and day (three overdue milestones make one task);
    the others stay for the days after the cool-down."""
    first: dict[int, Firing] = {}
    for firing in firings:
        first.setdefault(firing.account_id, firing)
    return list(first.values())


def _matching(
    playbook: s.PlaybookDefinition, firings: list[Firing], facts: DayFacts
) -> list[Firing]:
    if playbook.when is None:
        return firings
    rule = compile_rule(playbook.when, RULE_NAMES, where=f"{playbook.name}.when")
    accounts, features, health = facts.accounts(), facts.features(), facts.health()
    names = [n for n in rule.names if n in RULE_FIELDS]  # the rest: features and health

    def values(a: int) -> dict[str, Any]:
        """What the rule reads, as segments merge it: account fields, then the day's
        features, then health (only the names the rule uses: thousands of firings)."""
        found = rule_values(accounts.get(a, {}), features.get(a, {}), health.get(a, {}), names)
        return {k: getattr(found.get(k), "value", found.get(k)) for k in rule.names}

    return [f for f in firings if rule.matches(values(f.account_id))]
