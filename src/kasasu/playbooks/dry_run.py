"""One playbook's dry run, for its page: on a day, every account it would fire for (also
when it is switched off, to see before switching it on), the first of them written out with
what each action would do, and whatever stopped it from being evaluated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.playbooks.definitions import get_playbook
from kasasu.playbooks.planning import PlaybookConfig, plan_day
from kasasu.playbooks.schemas import RunRead
from kasasu.playbooks.service import plan_reads


@dataclass
class DryRun:
    day: date
    fired: int  # accounts it would fire for: every one, also beyond ``runs``
    skipped: int  # fired before for the occurrence, or cooling down
    runs: list[RunRead] = field(default_factory=list)  # the first ``shown``, written out
    problem: str | None = None  # why it could not be evaluated


def dry_run(
    session: Session, name: str, day: date, config: PlaybookConfig, *, locale: str, shown: int
) -> DryRun:
    get_playbook(session, name)  # NotFound names it
    plan = plan_day(session, day, config, only=(name,), disabled_too=True, render_first=shown)
    if name in plan.problems:
        return DryRun(day, 0, 0, problem=str(plan.problems[name]))
    if name not in plan.checked:  # pragma: no cover - get_playbook found it just now
        raise NotFound(_("Playbook {name} not found", name=name))
    names = account_names(session, [p.firing.account_id for p in plan.planned])
    return DryRun(
        day,
        fired=len(plan.planned) + plan.not_rendered,
        skipped=plan.skipped,
        runs=plan_reads(plan, names, locale),
    )
