"""Onboarding templates, the plans accounts walk, and their steps (milestones)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.domain.choices import (
    ContactRole,
    LifecycleStage,
    MeetingStatus,
    StepSide,
    TaskStatus,
)
from kasasu.models import (
    Account,
    Contact,
    MeetingInvitee,
    Milestone,
    Onboarding,
    OnboardingMeeting,
    OnboardingReminder,
    OnboardingTemplate,
    OnboardingTemplateVersion,
    PlanLink,
    SuccessGoal,
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


class TemplateRepository(Repository[OnboardingTemplate]):
    model = OnboardingTemplate

    def get_by_name(self, name: str) -> OnboardingTemplate | None:
        stmt = select(OnboardingTemplate).where(OnboardingTemplate.name == name)
        return self.session.scalars(stmt).one_or_none()

    def latest_version(self, template_id: int) -> OnboardingTemplateVersion | None:
        stmt = (
            select(OnboardingTemplateVersion)
            .where(OnboardingTemplateVersion.template_id == template_id)
            .order_by(OnboardingTemplateVersion.version.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).one_or_none()

    def list_latest(self) -> list[tuple[OnboardingTemplate, OnboardingTemplateVersion]]:
        """Every template with its latest version, by priority then name."""
        v = OnboardingTemplateVersion
        newest = (
            select(v.template_id, func.max(v.version).label("v")).group_by(v.template_id).subquery()
        )
        stmt = (
            select(OnboardingTemplate, v)
            .join(newest, newest.c.template_id == OnboardingTemplate.id)
            .join(v, (v.template_id == OnboardingTemplate.id) & (v.version == newest.c.v))
            .order_by(OnboardingTemplate.priority, OnboardingTemplate.name)
        )
        return [(t, version) for t, version in self.session.execute(stmt)]

    def version(self, version_id: int) -> OnboardingTemplateVersion | None:
        return self.session.get(OnboardingTemplateVersion, version_id)

    def get_version(self, version_id: int) -> tuple[str, OnboardingTemplateVersion] | None:
        stmt = (
            select(OnboardingTemplate.name, OnboardingTemplateVersion)
            .join(
                OnboardingTemplate, OnboardingTemplate.id == OnboardingTemplateVersion.template_id
            )
            .where(OnboardingTemplateVersion.id == version_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return None if row is None else (row[0], row[1])


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


class GoalRepository(Repository[SuccessGoal]):
    model = SuccessGoal

    def of_account(self, account_id: int) -> list[SuccessGoal]:
        stmt = (
            select(SuccessGoal).where(SuccessGoal.account_id == account_id).order_by(SuccessGoal.id)
        )
        return list(self.session.scalars(stmt))


class PlanLinkRepository(Repository[PlanLink]):
    model = PlanLink

    def of_account(self, account_id: int) -> list[PlanLink]:
        stmt = select(PlanLink).where(PlanLink.account_id == account_id).order_by(PlanLink.id)
        return list(self.session.scalars(stmt))

    def by_hash(self, token_hash: str) -> PlanLink | None:
        stmt = select(PlanLink).where(PlanLink.token_hash == token_hash)
        return self.session.scalars(stmt).one_or_none()


class MeetingRepository(Repository[OnboardingMeeting]):
    model = OnboardingMeeting

    def of_account(self, account_id: int) -> list[OnboardingMeeting]:
        stmt = (
            select(OnboardingMeeting)
            .where(OnboardingMeeting.account_id == account_id)
            .order_by(OnboardingMeeting.starts_at, OnboardingMeeting.id)
        )
        return list(self.session.scalars(stmt))

    def to_remind(self, now: datetime) -> list[OnboardingMeeting]:
        """Meetings still to come, scheduled or cancelled (the cancelled ones' invitees who
        were invited are told), of accounts that have not churned."""
        m = OnboardingMeeting
        stmt = (
            select(m)
            .join(Account, Account.id == m.account_id)
            .where(
                m.starts_at > now,
                m.status != MeetingStatus.HELD,
                func.coalesce(Account.lifecycle_stage, "") != LifecycleStage.CHURNED.value,
            )
            .order_by(m.starts_at, m.id)
        )
        return list(self.session.scalars(stmt))

    def invitees_of(self, meeting_ids: list[int]) -> list[tuple[MeetingInvitee, Contact]]:
        """The invitees of these meetings with their contact, by meeting then name."""
        if not meeting_ids:
            return []
        stmt = (
            select(MeetingInvitee, Contact)
            .join(Contact, Contact.id == MeetingInvitee.contact_id)
            .where(MeetingInvitee.meeting_id.in_(meeting_ids))
            .order_by(MeetingInvitee.meeting_id, Contact.name, Contact.id)
        )
        return [(i, c) for i, c in self.session.execute(stmt)]

    def invitee(self, invitee_id: int) -> MeetingInvitee | None:
        return self.session.get(MeetingInvitee, invitee_id)

    def contacts(self, account_id: int, contact_ids: list[int]) -> list[Contact]:
        stmt = select(Contact).where(Contact.account_id == account_id, Contact.id.in_(contact_ids))
        return list(self.session.scalars(stmt))

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def account_contacts(self, account_id: int) -> list[Contact]:
        stmt = select(Contact).where(Contact.account_id == account_id).order_by(Contact.id)
        return list(self.session.scalars(stmt))


class ReminderRepository(Repository[OnboardingReminder]):
    model = OnboardingReminder

    def sent(self, subject: str, subject_ids: list[int]) -> set[tuple[int, str, int, int]]:
        """(subject id, kind, revision, contact id) of every email sent about these."""
        if not subject_ids:
            return set()
        r = OnboardingReminder
        stmt = select(r.subject_id, r.kind, r.revision, r.contact_id).where(
            r.subject == subject, r.subject_id.in_(subject_ids)
        )
        return {(int(i), str(k), int(v), int(c)) for i, k, v, c in self.session.execute(stmt)}


class CustomerStepRepository:
    """Open customer-side steps of plans, and who at the customer hears about them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def due_by(self, day: date, since: date) -> list[Milestone]:
        """Open customer-side steps due from ``since`` to ``day`` on live accounts' plans."""
        m = Milestone
        stmt = (
            select(m)
            .join(Account, Account.id == m.account_id)
            .where(
                m.onboarding_id.is_not(None),
                m.done_at.is_(None),
                m.side == StepSide.CUSTOMER,
                m.due_date <= day,
                m.due_date >= since,
                func.coalesce(Account.lifecycle_stage, "") != LifecycleStage.CHURNED.value,
            )
            .order_by(m.account_id, m.due_date, m.position)
        )
        return list(self.session.scalars(stmt))

    def open_of(self, onboarding_id: int) -> list[Milestone]:
        m = Milestone
        stmt = (
            select(m)
            .where(m.onboarding_id == onboarding_id, m.done_at.is_(None))
            .where(m.side == StepSide.CUSTOMER)
            .order_by(m.due_date.is_(None), m.due_date, m.position)
        )
        return list(self.session.scalars(stmt))

    def key_contacts(self, account_ids: list[int], today: date) -> list[Contact]:
        """Champions and decision makers with an email who have not left, by name."""
        if not account_ids:
            return []
        stmt = (
            select(Contact)
            .where(
                Contact.account_id.in_(account_ids),
                Contact.role.in_([ContactRole.CHAMPION, ContactRole.DECISION_MAKER]),
                Contact.email.is_not(None),
                (Contact.left_on.is_(None)) | (Contact.left_on > today),
            )
            .order_by(Contact.account_id, Contact.name, Contact.id)
        )
        return list(self.session.scalars(stmt))

    def plans(self, plan_ids: list[int]) -> list[Onboarding]:
        if not plan_ids:
            return []
        stmt = select(Onboarding).where(Onboarding.id.in_(plan_ids))
        return list(self.session.scalars(stmt))
