"""Meetings on onboarding plans, their invitees, and the account's contacts to invite."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kasasu.db.repository import Repository
from kasasu.domain.choices import LifecycleStage, MeetingStatus
from kasasu.models import Account, Contact, MeetingInvitee, OnboardingMeeting


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
