"""The onboarding board (オンボーディング一覧): every live account's plan with its progress,
late steps, days since the start and days to first value, and time to value by template."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from kasasu.kit.types import LocalText
from kasasu.onboarding.board_repository import BoardRepository
from kasasu.onboarding.schemas import (
    BoardRow,
    FunnelStep,
    OnboardingBoard,
    StepLink,
    TemplateRead,
    TemplateValue,
)
from kasasu.onboarding.templates import StoredStep, list_templates, stored_steps


def onboarding_board(
    session: Session,
    today: date,
    *,
    finished: bool | None = False,
    owner_id: int | None = None,
    template: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> OnboardingBoard:
    """``finished``: False for plans with a step open (the default), True for completed
    ones, None for both."""
    repo = BoardRepository(session)
    plans, total = repo.plans(
        today, finished=finished, owner_id=owner_id, template=template, limit=limit, offset=offset
    )
    upcoming = repo.next_steps([p.id for p in plans])
    templates = list_templates(session)
    titles = {t.name: t.definition["title"] for t in templates}
    steps = _steps(templates)
    rows = [
        BoardRow(
            plan_id=p.id,
            account_id=p.account_id,
            account=p.name,
            owner_id=p.owner_id,
            template=p.template,
            template_title=titles.get(p.template, p.template),
            started_on=p.started_on,
            steps=p.total,
            done=p.done,
            late=p.late or 0,
            next_step=_next_title(steps, p.template, upcoming.get(p.id)),
            next_links=_next_links(steps, p.template, upcoming.get(p.id)),
            next_due=p.next_due,
            last_due=p.last_due,
            days_in=(today - p.started_on).days,
            days_to_value=(
                (p.first_value_at.date() - p.started_on).days if p.first_value_at else None
            ),
        )
        for p in plans
    ]
    return OnboardingBoard(
        today=today,
        total=total,
        rows=rows,
        time_to_value=_time_to_value(repo),
        funnel=_funnel(repo, templates),
    )


def _steps(templates: list[TemplateRead]) -> dict[tuple[str, str], StoredStep]:
    """(template, step key) → the step in its template's latest version."""
    return {
        (t.name, key): step for t in templates for key, step in stored_steps(t.definition).items()
    }


def _next_title(
    steps: dict[tuple[str, str], StoredStep],
    template: str,
    step: tuple[str | None, str] | None,
) -> LocalText | str | None:
    if step is None:
        return None
    key, name = step
    found = steps.get((template, key or ""))
    return found.title if found else name


def _next_links(
    steps: dict[tuple[str, str], StoredStep], template: str, step: tuple[str | None, str] | None
) -> list[StepLink]:
    found = steps.get((template, step[0] or "")) if step else None
    return found.links if found else []


def _funnel(repo: BoardRepository, templates: list[TemplateRead]) -> list[FunnelStep]:
    """Each step's title and links from its template's latest version (its key where it
    left it)."""
    steps = _steps(templates)
    return [
        FunnelStep(
            template=template,
            step_key=key,
            title=found.title if (found := steps.get((template, key))) else key,
            plans=plans,
            done=done,
            stalled=stalled,
            links=found.links if found else [],
        )
        for template, key, plans, done, stalled in repo.funnel()
    ]


def _time_to_value(repo: BoardRepository) -> list[TemplateValue]:
    days: dict[str, list[int]] = defaultdict(list)
    for template, started, reached in repo.first_values():
        days[template].append((reached.date() - started).days)
    return [
        TemplateValue(template=t, plans=len(d), median_days=statistics.median(d))
        for t, d in sorted(days.items())
    ]
