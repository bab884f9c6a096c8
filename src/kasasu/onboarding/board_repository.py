"""The onboarding board's queries: live accounts' plans with their steps counted, time to
first value, and where plans stall."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from kasasu.domain.choices import LifecycleStage
from kasasu.models import (
    Account,
    Milestone,
    Onboarding,
    OnboardingTemplate,
    OnboardingTemplateVersion,
)


class BoardRepository:
    """The onboarding board: each plan of a live account with its steps counted."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _plans(self, today: date) -> Select[Any]:
        m = Milestone
        open_step = m.done_at.is_(None)
        steps = (
            select(
                m.onboarding_id.label("plan_id"),
                func.count().label("total"),
                func.count(m.done_at).label("done"),
                func.sum(case((and_(open_step, m.due_date < today), 1), else_=0)).label("late"),
                func.min(case((open_step, m.due_date))).label("next_due"),
                func.max(m.due_date).label("last_due"),
            )
            .where(m.onboarding_id.is_not(None))
            .group_by(m.onboarding_id)
            .subquery()
        )
        v = OnboardingTemplateVersion
        return (
            select(
                Onboarding.id,
                Onboarding.account_id,
                Account.name,
                Account.owner_id,
                OnboardingTemplate.name.label("template"),
                Onboarding.started_on,
                Onboarding.first_value_at,
                steps.c.total,
                steps.c.done,
                steps.c.late,
                steps.c.next_due,
                steps.c.last_due,
            )
            .join(steps, steps.c.plan_id == Onboarding.id)
            .join(Account, Account.id == Onboarding.account_id)
            .join(v, v.id == Onboarding.template_version_id)
            .join(OnboardingTemplate, OnboardingTemplate.id == v.template_id)
            .where(func.coalesce(Account.lifecycle_stage, "") != LifecycleStage.CHURNED.value)
        )

    def plans(
        self,
        today: date,
        *,
        finished: bool | None,
        owner_id: int | None,
        template: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Any], int]:
        """A page of plans (most late steps first, then the oldest), and how many there are."""
        stmt = self._plans(today)
        inner = stmt.subquery()
        where = []
        if finished is not None:
            where.append(
                (inner.c.done == inner.c.total) if finished else (inner.c.done < inner.c.total)
            )
        if owner_id is not None:
            where.append(inner.c.owner_id == owner_id)
        if template is not None:
            where.append(inner.c.template == template)
        total = self.session.scalar(select(func.count()).select_from(inner).where(*where)) or 0
        page = (
            select(inner)
            .where(*where)
            .order_by(inner.c.late.desc(), inner.c.started_on, inner.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.execute(page)), int(total)

    def first_values(self) -> list[tuple[str, date, datetime]]:
        """(template, start, first value) of every plan of a live account that reached it."""
        inner = self._plans(date.min).subquery()
        stmt = select(inner.c.template, inner.c.started_on, inner.c.first_value_at).where(
            inner.c.first_value_at.is_not(None)
        )
        return [(t, s, f) for t, s, f in self.session.execute(stmt)]

    def funnel(self) -> list[tuple[str, str, int, int, int]]:
        """Per template and step key (in step order): (template, key, plans with the step,
        plans that did it, plans whose first open step it is: where they stall)."""
        m = Milestone
        plans = self._plans(date.min).subquery()
        first_open = (
            select(m.onboarding_id, func.min(m.position).label("position"))
            .where(m.done_at.is_(None), m.onboarding_id.is_not(None))
            .group_by(m.onboarding_id)
            .subquery()
        )
        stalled = first_open.c.position == m.position
        stmt = (
            select(
                plans.c.template,
                m.step_key,
                func.count(),
                func.count(m.done_at),
                func.count(first_open.c.position),
            )
            .join(m, m.onboarding_id == plans.c.id)
            .outerjoin(first_open, and_(first_open.c.onboarding_id == m.onboarding_id, stalled))
            .where(m.step_key.is_not(None))
            .group_by(plans.c.template, m.step_key)
            .order_by(plans.c.template, func.min(m.position))
        )
        return [(t, str(k), n, d, s) for t, k, n, d, s in self.session.execute(stmt)]

    def next_steps(self, plan_ids: list[int]) -> dict[int, tuple[str | None, str]]:
        """The first open step (by position) of each plan: its key and stored name."""
        if not plan_ids:
            return {}
        m = Milestone
        stmt = (
            select(m.onboarding_id, m.step_key, m.name)
            .where(m.onboarding_id.in_(plan_ids), m.done_at.is_(None))
            .order_by(m.onboarding_id, m.position.desc())
        )
        # Later positions come first, so each plan's earliest open step is written last.
        return {int(plan or 0): (key, name) for plan, key, name in self.session.execute(stmt)}
