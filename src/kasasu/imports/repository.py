"""The bulk look-ups an import needs that no slice repository offers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kasasu.models import Account, Contact

_CHUNK = 400  # two IN lists per query stay under SQLite's ~1000 bound parameters


@dataclass(frozen=True)
class ContactKey:
    id: int
    account_id: int
    external_id: str
    email: str | None


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def contacts_by_key(self, keys: Iterable[str]) -> list[ContactKey]:
        """Contacts whose external id is one of ``keys`` or whose email is (any case)."""
        wanted = list(dict.fromkeys(keys))
        found: list[ContactKey] = []
        columns = (Contact.id, Contact.account_id, Contact.external_id, Contact.email)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            lowered = [k.lower() for k in chunk]
            stmt = select(*columns).where(
                or_(Contact.external_id.in_(chunk), func.lower(Contact.email).in_(lowered))
            )
            found.extend(ContactKey(*row) for row in self.session.execute(stmt))
        return found

    def accounts_by_contact_email(self, emails: Iterable[str]) -> dict[str, str]:
        """A contact's email (lower case) → the external id of its account (the contact
        made first, when two accounts have one with the same email)."""
        wanted = sorted({e.lower() for e in emails if e})
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            stmt = (
                select(func.lower(Contact.email), Account.external_id)
                .join(Account, Account.id == Contact.account_id)
                .where(func.lower(Contact.email).in_(wanted[start : start + _CHUNK]))
                .order_by(Contact.id)
            )
            for email, external_id in self.session.execute(stmt):
                found.setdefault(email, external_id)
        return found
