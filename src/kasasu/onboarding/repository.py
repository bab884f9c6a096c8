"""Onboarding plans and their steps (milestones). Templates, the board, success plans,
meetings and reminders have their own repository modules."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.domain.choices import TaskStatus
from kasasu.models import (
    Account,
    Milestone,
    Onboarding,
    OnboardingTemplate,
    OnboardingTemplateVersion,
    Task,
)


class MilestoneRepository(Repository[Milestone]):
    model = Milestone
    sortable = ("id", "position", "due_date")

    def steps_of(self, onboarding_id: int) -> list[Milestone]:
        stmt = (
            select(Milestone)
            .where(Milestone.onboarding_id == onboarding_id)
            .order_by(Milestone.position, Milestone.id)
        )
        return list(self.session.scalars(stmt))

    def awaiting_events(self) -> list[tuple[Milestone, str, date]]:
        """Open steps that an event completes, with their account's external id and the
        day their plan started."""
        stmt = (
            select(Milestone, Account.external_id, Onboarding.started_on)
            .join(Onboarding, Onboarding.id == Milestone.onboarding_id)
            .join(Account, Account.id == Milestone.account_id)
            .where(Milestone.done_at.is_(None), Milestone.completion_event.is_not(None))
            .order_by(Milestone.id)
        )
        return [(m, external_id, day) for m, external_id, day in self.session.execute(stmt)]

    def of_task(self, task_id: int) -> Milestone | None:
        stmt = select(Milestone).where(Milestone.task_id == task_id).limit(1)
        return self.session.scalars(stmt).one_or_none()

    def with_done_tasks(self) -> list[tuple[Milestone, int | None, datetime]]:
        """Open steps whose task is done, with the task's owner and completion moment."""
        stmt = (
            select(Milestone, Task.owner_id, Task.completed_at, Task.updated_at)
            .join(Task, Task.id == Milestone.task_id)
            .where(Milestone.done_at.is_(None), Task.status == TaskStatus.DONE)
            .order_by(Milestone.id)
        )
        return [(m, by, done or updated) for m, by, done, updated in self.session.execute(stmt)]


class OnboardingRepository(Repository[Onboarding]):
    model = Onboarding

    def of_account(self, account_id: int) -> Onboarding | None:
        stmt = select(Onboarding).where(Onboarding.account_id == account_id)
        return self.session.scalars(stmt).one_or_none()

    def accounts_on(self, template: str) -> list[int]:
        v = OnboardingTemplateVersion
        stmt = (
            select(Onboarding.account_id)
            .join(v, v.id == Onboarding.template_version_id)
            .join(OnboardingTemplate, OnboardingTemplate.id == v.template_id)
            .where(OnboardingTemplate.name == template)
            .order_by(Onboarding.account_id)
        )
        return list(self.session.scalars(stmt))
