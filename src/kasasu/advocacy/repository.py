"""Queries of the loyal customers and advocates: reference consent, latest NPS, tenure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from kasasu.domain.choices import SurveyKind
from kasasu.models import Account, Contact, Subscription, SurveyResponse


class AdvocacyRepository:
    """Contacts willing to be references, their latest NPS answers, and account tenure."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def advocates(self) -> list[Any]:
        """(contact_id, contact name, email, title, account_id, account name, score,
        answered_at, comment) of the contacts who agreed to be references and whose latest
        NPS answer is 9 or 10."""
        r = SurveyResponse
        rank = (
            func.row_number()
            .over(partition_by=r.contact_id, order_by=(r.answered_at.desc(), r.id.desc()))
            .label("rank")
        )
        latest = (
            select(r.contact_id, r.score, r.answered_at, r.comment, rank)
            .where(r.kind == SurveyKind.NPS, r.contact_id.is_not(None))
            .subquery()
        )
        stmt = (
            select(
                Contact.id,
                Contact.name,
                Contact.email,
                Contact.title,
                Account.id,
                Account.name,
                latest.c.score,
                latest.c.answered_at,
                latest.c.comment,
            )
            .join(latest, latest.c.contact_id == Contact.id)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.reference_ok.is_(True), latest.c.rank == 1, latest.c.score >= 9)
            .order_by(Account.name, Contact.name, Contact.id)
        )
        return list(self.session.execute(stmt))

    def set_reference(self, contact_id: int, agreed: bool) -> bool:
        """Record the contact's agreement; False when there is no such contact."""
        contact = self.session.get(Contact, contact_id)
        if contact is None:
            return False
        contact.reference_ok = agreed
        return True

    def first_starts(self, account_ids: Sequence[int]) -> dict[int, date]:
        """Each account's first contract start."""
        stmt = (
            select(Subscription.account_id, func.min(Subscription.start_date))
            .where(Subscription.account_id.in_(list(account_ids)))
            .group_by(Subscription.account_id)
        )
        return {int(a): day for a, day in self.session.execute(stmt)}
