"""What the playbooks will do on a day: who fires, for which occurrence (selection.py), and
each action rendered by its kind (actions/; texts in the reader's language, recipients
resolved). A dry run shows this; a run
stores it, so a retry sends exactly what was planned."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from jinja2 import TemplateError
from sqlalchemy.orm import Session

from kasasu.kit.i18n import _
from kasasu.playbooks import schemas as s
from kasasu.playbooks.action_schemas import Action
from kasasu.playbooks.actions import ACTION_KINDS, Step
from kasasu.playbooks.definitions import enabled_playbooks
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.repository import Recipients, RunRepository
from kasasu.playbooks.selection import new_firings
from kasasu.playbooks.triggers.base import Firing
from kasasu.playbooks.variables import FiringContext, PlaybookConfig, Reader

__all__ = [
    "MEMORY_DAYS", "Plan", "Planned", "PlaybookConfig", "Step", "plan_day", "plan_firing"
]  # fmt: skip

log = logging.getLogger("kasasu.playbooks")

# Runs this old still count as "already fired" for windows that are not the day itself.
MEMORY_DAYS = 400


@dataclass
class Planned:
    playbook_id: int
    playbook: str
    firing: Firing
    steps: list[Step] = field(default_factory=list)


@dataclass
class Plan:
    day: date
    planned: list[Planned]
    skipped: int  # fired before for the occurrence, or cooling down
    checked: set[str] = field(default_factory=set)  # playbooks evaluated
    # Playbooks that could not be evaluated (a condition or a definition stored before a
    # check it now fails), left out so that the others run; the reason under each name.
    problems: dict[str, Exception] = field(default_factory=dict)
    not_rendered: int = 0  # firings beyond ``render_first`` (a dry run's count), not in planned


def plan_day(
    session: Session,
    day: date,
    config: PlaybookConfig,
    facts: DayFacts | None = None,
    only: Sequence[str] = (),
    *,
    disabled_too: bool = False,
    render_first: int | None = None,
) -> Plan:
    """Who each enabled playbook (``disabled_too``: each one, for a dry run) fires for on
    ``day``, and what each action would do (for the first ``render_first`` firings only,
    when given: a page shows those and counts the rest)."""
    facts = facts or DayFacts(session, day, config.zone)
    runs = RunRepository(session)
    fired: list[tuple[int, s.PlaybookDefinition, Firing]] = []
    skipped, problems, checked = 0, dict[str, Exception](), set[str]()
    for playbook_id, playbook in enabled_playbooks(session, problems, disabled_too=disabled_too):
        if only and playbook.name not in only:
            continue
        since = day - timedelta(days=max(playbook.cooldown_days, MEMORY_DAYS))
        try:
            firings, held = new_firings(playbook, facts, runs.recent(playbook_id, since))
        except Exception as exc:  # noqa: BLE001 - one bad playbook never stops the others
            problems[playbook.name] = exc
            log.warning("playbooks %s: %s skipped: %s", day, playbook.name, exc)
            continue
        checked.add(playbook.name)
        fired += [(playbook_id, playbook, firing) for firing in firings]
        skipped += held
    if only:
        problems = {name: exc for name, exc in problems.items() if name in only}
    shown = fired if render_first is None else fired[:render_first]
    planned = _render_all(session, day, config, facts, shown)
    return Plan(day, planned, skipped, checked, problems, len(fired) - len(shown))


def plan_firing(
    session: Session,
    day: date,
    config: PlaybookConfig,
    fired: tuple[int, s.PlaybookDefinition, Firing],
) -> Plan:
    """One firing (playbook id, playbook, firing) planned as a day's run plans it: a
    playbook started by hand."""
    playbook = fired[1]
    facts = DayFacts(session, day, config.zone)
    planned = _render_all(session, day, config, facts, [fired])
    return Plan(day, planned, 0, {playbook.name})


def _render_all(
    session: Session,
    day: date,
    config: PlaybookConfig,
    facts: DayFacts,
    fired: list[tuple[int, s.PlaybookDefinition, Firing]],
) -> list[Planned]:
    ids = sorted({f.account_id for _p, _d, f in fired})
    people = Recipients(session)
    accounts = people.accounts(ids)
    owners = people.users(sorted({a.owner_id for a in accounts.values() if a.owner_id}))
    contacts = people.contacts(ids)
    planned = []
    for playbook_id, playbook, firing in fired:
        account = accounts[firing.account_id]
        reader = Reader(account, owners.get(account.owner_id or 0), contacts.get(account.id, []))
        context = FiringContext(config, day, playbook, firing, account, reader, facts)
        steps = [_safe_step(action, context) for action in playbook.actions]
        planned.append(Planned(playbook_id, playbook.name, firing, steps))
    return planned


def _safe_step(action: Action, c: FiringContext) -> Step:
    """A text that cannot render for this account (a value it lacks) skips that action,
    with the reason in the log, and leaves the others."""
    try:
        return ACTION_KINDS[action.type].plan(action, c)
    except (TemplateError, TypeError, ValueError) as exc:
        return Step(action.type, None, _("Template error: {problem}", problem=str(exc)))
