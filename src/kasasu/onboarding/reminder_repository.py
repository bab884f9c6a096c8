"""Onboarding reminders: the emails already sent, and the customer-side steps (and the
contacts) the next ones are about."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.domain.choices import ContactRole, LifecycleStage, StepSide
from kasasu.models import Account, Contact, Milestone, Onboarding, OnboardingReminder


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
