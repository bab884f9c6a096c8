from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, and_, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository, chunked
from kasasu.domain.choices import ContactRole
from kasasu.models import Account, Contact, SurveyCampaign, SurveyInvitation, SurveyResponse

KEY_ROLES = (ContactRole.CHAMPION, ContactRole.DECISION_MAKER)


class Person(NamedTuple):
    """Whom a survey asks: a contact still at the account, with an email."""

    contact_id: int
    account_id: int
    email: str


class ResponseRepository(Repository[SurveyResponse]):
    model = SurveyResponse
    sortable = ("id", "answered_at", "score", "created_at")
    default_sort = "-answered_at"
    searchable = ("comment", "external_id")

    def scores_by_plan(self, campaign: str) -> list[tuple[str | None, int]]:
        """(plan of the account, score) of every answer to the campaign."""
        r = SurveyResponse
        stmt = (
            select(Account.plan, r.score)
            .join(Account, Account.id == r.account_id)
            .where(r.campaign == campaign)
        )
        return [(plan, score) for plan, score in self.session.execute(stmt)]


class CampaignRepository(Repository[SurveyCampaign]):
    model = SurveyCampaign
    sortable = ("id", "name", "created_at")
    default_sort = "-created_at"

    def get_by_name(self, name: str) -> SurveyCampaign | None:
        stmt = select(SurveyCampaign).where(SurveyCampaign.name == name)
        return self.session.scalars(stmt).one_or_none()

    def get_by_public_id(self, public_id: str) -> SurveyCampaign | None:
        stmt = select(SurveyCampaign).where(SurveyCampaign.public_id == public_id)
        return self.session.scalars(stmt).one_or_none()

    def list_all(self) -> list[SurveyCampaign]:
        stmt = select(SurveyCampaign).order_by(SurveyCampaign.created_at.desc())
        return list(self.session.scalars(stmt))

    def scheduled_by(self, day: date) -> list[str]:
        c = SurveyCampaign
        stmt = select(c.name).where(c.status == "draft", c.scheduled_for <= day).order_by(c.id)
        return list(self.session.scalars(stmt))


class AudienceRepository:
    """Contacts a campaign may ask: (contact id, account id, email)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_accounts(self, account_ids: Sequence[int]) -> list[tuple[int, int, str, str]]:
        """(contact id, account id, email, role) of the accounts' contacts with an email:
        plain values (the role as stored), as a segment's 20,000 accounts are read at once."""
        rows: list[tuple[int, int, str, str]] = []
        c = Contact
        for chunk in chunked(list(account_ids)):
            stmt = (
                select(
                    c.id, c.account_id, type_coerce(c.email, String), type_coerce(c.role, String)
                )
                .where(
                    c.account_id.in_(chunk),
                    c.email.is_not(None),
                    c.email != "",
                    c.left_on.is_(None),
                )
                .order_by(c.id)
            )
            rows += [(i, a, e, r) for i, a, e, r in self.session.execute(stmt)]
        return rows

    def by_ids_or_emails(
        self, ids: Sequence[int], emails: Sequence[str]
    ) -> list[tuple[int, int, str | None]]:
        c = Contact
        found: dict[int, tuple[int, int, str | None]] = {}
        # In chunks: a segment's audience can hold more ids than one statement may bind.
        for chunk in chunked(list(ids)):
            stmt = select(c.id, c.account_id, c.email).where(c.id.in_(chunk), c.left_on.is_(None))
            found.update({i: (i, a, e) for i, a, e in self.session.execute(stmt)})
        for chunk in chunked([e.lower() for e in emails]):
            stmt = select(c.id, c.account_id, c.email).where(
                func.lower(c.email).in_(chunk), c.left_on.is_(None)
            )
            found.update({i: (i, a, e) for i, a, e in self.session.execute(stmt)})
        return [found[i] for i in sorted(found)]

    def find(self, contact_ids: Sequence[int], key: str) -> Contact | None:
        """The contact among ``contact_ids`` whose email (any case) or external id is ``key``."""
        c = Contact
        match = or_(func.lower(c.email) == key.strip().lower(), c.external_id == key.strip())
        stmt = select(c).where(c.id.in_(contact_ids), match).order_by(c.id).limit(1)
        return self.session.scalars(stmt).first()


class InvitationRepository(Repository[SurveyInvitation]):
    model = SurveyInvitation

    def get_by_token(self, token: str) -> SurveyInvitation | None:
        stmt = select(SurveyInvitation).where(SurveyInvitation.token == token)
        return self.session.scalars(stmt).one_or_none()

    def open_of_contact(
        self, contact_id: int, now: datetime
    ) -> list[tuple[SurveyInvitation, SurveyCampaign]]:
        """The contact's sent invitations of campaigns still open, not answered nor expired,
        newest first (what the customer portal lists)."""
        i, c = SurveyInvitation, SurveyCampaign
        stmt = (
            select(i, c)
            .join(c, c.id == i.campaign_id)
            .where(i.contact_id == contact_id, i.status == "sent", i.answered_at.is_(None))
            .where(i.token.is_not(None), or_(i.expires_at.is_(None), i.expires_at > now))
            .where(c.status != "closed")
            .order_by(i.sent_at.desc(), i.id.desc())
        )
        return [(row[0], row[1]) for row in self.session.execute(stmt)]

    def surveyed_since(self, contact_ids: Sequence[int], since: datetime) -> set[int]:
        """Contacts invited (sent, or waiting to be) or answering on or after ``since``."""
        # One pass over the window's invitations and answers each, kept for the contacts
        # asked about: a segment's 10,000 contacts in chunks of 900 cost 12 statements each
        # (and answers have no index by contact, so each read them all).
        i, r = SurveyInvitation, SurveyResponse
        wanted = set(contact_ids)
        invited = select(i.contact_id).where(func.coalesce(i.sent_at, i.created_at) >= since)
        answered = select(r.contact_id).where(r.answered_at >= since, r.contact_id.is_not(None))
        found = {c for c in self.session.scalars(invited) if c in wanted}
        found.update(c for c in self.session.scalars(answered) if c in wanted)
        return found

    def contacts_of(self, campaign_id: int) -> list[int]:
        stmt = select(SurveyInvitation.contact_id).where(
            SurveyInvitation.campaign_id == campaign_id
        )
        return list(self.session.scalars(stmt))

    def enrollable(self, account_id: int, contact_ids: Sequence[int], kind: str) -> list[int]:
        """Those of ``contact_ids`` at the account with an email, still there, and not
        already waiting for the next campaign of ``kind``."""
        c, i = Contact, SurveyInvitation
        waiting = select(i.contact_id).where(
            i.campaign_id.is_(None), i.kind == kind, i.status == "pending", i.sent_at.is_(None)
        )
        stmt = select(c.id).where(
            c.id.in_(list(contact_ids)),
            c.account_id == account_id,
            c.email.is_not(None),
            c.email != "",
            c.left_on.is_(None),
            c.id.not_in(waiting),
        )
        return list(self.session.scalars(stmt.order_by(c.id)))

    def waiting_playbook(self, kind: str) -> list[SurveyInvitation]:
        """Invitations a playbook made that no campaign has picked up yet."""
        i = SurveyInvitation
        stmt = select(i).where(
            i.campaign_id.is_(None), i.kind == kind, i.status == "pending", i.sent_at.is_(None)
        )
        return list(self.session.scalars(stmt.order_by(i.id)))

    def to_send(self, campaign_id: int) -> list[tuple[SurveyInvitation, Contact, Account]]:
        i = SurveyInvitation
        return self._with_people(and_(i.campaign_id == campaign_id, i.sent_at.is_(None)))

    def to_remind(
        self, campaign_id: int, sent_before: datetime, now: datetime
    ) -> list[tuple[SurveyInvitation, Contact, Account]]:
        i = SurveyInvitation
        return self._with_people(
            and_(
                i.campaign_id == campaign_id,
                i.sent_at <= sent_before,
                i.answered_at.is_(None),
                i.reminded_at.is_(None),
                i.expires_at > now,
            )
        )

    def with_people(self, invitation_id: int) -> tuple[SurveyInvitation, Contact, Account]:
        """The invitation with its contact and account (for its email)."""
        return self._with_people(SurveyInvitation.id == invitation_id)[0]

    def _with_people(self, where: Any) -> list[tuple[SurveyInvitation, Contact, Account]]:
        i = SurveyInvitation
        stmt = (
            select(i, Contact, Account)
            .join(Contact, Contact.id == i.contact_id)
            .join(Account, Account.id == i.account_id)
            .where(where)
            .order_by(i.id)
        )
        return [(inv, contact, account) for inv, contact, account in self.session.execute(stmt)]

    def sent_by_plan(self, campaign_id: int) -> list[tuple[str | None, int, int]]:
        """(plan, invitations sent, of them answered) of the campaign."""
        i = SurveyInvitation
        stmt = (
            select(Account.plan, func.count(), func.count(i.answered_at))
            .join(Account, Account.id == i.account_id)
            .where(i.campaign_id == campaign_id, i.sent_at.is_not(None))
            .group_by(Account.plan)
        )
        return [(plan, int(n), int(a)) for plan, n, a in self.session.execute(stmt)]


class AnswerRepository:
    """Once-only bookkeeping of answers to a campaign."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def mark_answered(self, invitation_id: int, now: datetime) -> bool:
        """Set the invitation answered unless it already was (one wins a race)."""
        i = SurveyInvitation
        stmt = (
            update(i)
            .where(i.id == invitation_id, i.answered_at.is_(None))
            .values(answered_at=now, status="answered")
        )
        done = self.session.execute(stmt, execution_options={"synchronize_session": False})
        return bool(getattr(done, "rowcount", 0) == 1)

    def invitation_of(self, campaign_id: int, contact_id: int) -> SurveyInvitation | None:
        i = SurveyInvitation
        stmt = select(i).where(i.campaign_id == campaign_id, i.contact_id == contact_id)
        return self.session.scalars(stmt.limit(1)).first()

    def has_answered(self, campaign: str, contact_id: int) -> bool:
        r = SurveyResponse
        stmt = select(r.id).where(r.campaign == campaign, r.contact_id == contact_id).limit(1)
        return self.session.scalar(stmt) is not None


class PlanRepository:
    """The plans accounts are on, for the survey trends by plan."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def plans(self) -> list[str]:
        stmt = select(Account.plan).where(Account.plan.is_not(None)).distinct()
        return sorted(self.session.scalars(stmt))
