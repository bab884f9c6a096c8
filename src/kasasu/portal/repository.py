"""The portal's queries: sign-in links, sessions with their contact and company, and the
announcements a company is shown."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Result, delete, func, or_, select, true, update
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.models import Account, Announcement, Contact, PortalLink, PortalSession


def _rows(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched (a CursorResult's count)."""
    return int(getattr(result, "rowcount", 0))


class LinkRepository(Repository[PortalLink]):
    model = PortalLink

    def redeem(self, token_hash: str, now: datetime) -> int | None:
        """Mark the link used and return its contact, in one statement: of two requests
        with the same link, only one finds it unused. None for an unknown, used or
        expired link."""
        result = self.session.execute(
            update(PortalLink)
            .where(PortalLink.token_hash == token_hash, PortalLink.used_at.is_(None))
            .where(PortalLink.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rows(result) != 1:
            return None
        return self.session.scalar(
            select(PortalLink.contact_id).where(PortalLink.token_hash == token_hash)
        )

    def forget_before(self, moment: datetime) -> int:
        """Delete the links that expired before ``moment`` (used or not)."""
        return _rows(self.session.execute(delete(PortalLink).where(PortalLink.expires_at < moment)))


class SessionRepository(Repository[PortalSession]):
    model = PortalSession

    def viewer(
        self, token_hash: str, now: datetime
    ) -> tuple[PortalSession, Contact, Account] | None:
        """The live session of this hash with its contact (still at the company) and the
        company, in one query."""
        row = self.session.execute(
            select(PortalSession, Contact, Account)
            .join(Contact, Contact.id == PortalSession.contact_id)
            .join(Account, Account.id == Contact.account_id)
            .where(PortalSession.token_hash == token_hash, PortalSession.expires_at > now)
            .where(Contact.left_on.is_(None))
        ).first()
        return (row[0], row[1], row[2]) if row is not None else None

    def end(self, token_hash: str) -> None:
        self.session.execute(delete(PortalSession).where(PortalSession.token_hash == token_hash))

    def end_expired(self, now: datetime) -> int:
        return _rows(
            self.session.execute(delete(PortalSession).where(PortalSession.expires_at <= now))
        )


class PortalContactRepository:
    """The contacts a portal sign-in may name (contacts.repository is the contacts slice's
    own; these two lookups are the portal's)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_email(self, email: str) -> Contact | None:
        """The contact still at their company with this email (any case); of several, the
        first recorded."""
        return self.session.scalars(
            select(Contact)
            .where(func.lower(Contact.email) == email.lower(), Contact.left_on.is_(None))
            .order_by(Contact.id)
            .limit(1)
        ).first()

    def in_account(self, account_id: int, who: str) -> Contact | None:
        """The contact of the account whose external id, else email, is ``who``."""
        found: list[Contact] = list(
            self.session.scalars(
                select(Contact)
                .where(Contact.account_id == account_id, Contact.left_on.is_(None))
                .where(or_(Contact.external_id == who, func.lower(Contact.email) == who.lower()))
                .order_by(Contact.id)
            )
        )
        exact = [c for c in found if c.external_id == who]
        return (exact or found)[0] if found else None

    def get(self, contact_id: int) -> tuple[Contact, Account] | None:
        row = self.session.execute(
            select(Contact, Account)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.id == contact_id, Contact.left_on.is_(None))
        ).first()
        return (row[0], row[1]) if row is not None else None


class AnnouncementRepository(Repository[Announcement]):
    model = Announcement
    sortable = ("id", "published_at", "title", "created_at")
    default_sort = "-published_at"
    searchable = ("title", "body")

    def shown(
        self,
        segments: Collection[str],
        locale: str,
        now: datetime,
        limit: int,
        announcement_id: int | None = None,
    ) -> list[Announcement]:
        """Those published now, to every account or one of ``segments``, in ``locale`` or
        both languages (only ``announcement_id`` when given); newest first."""
        audience: ColumnElement[bool] = Announcement.segment.is_(None)
        if segments:
            audience = or_(audience, Announcement.segment.in_(sorted(segments)))
        return list(
            self.session.scalars(
                select(Announcement)
                .where(Announcement.published_at <= now)
                .where(or_(Announcement.expires_at.is_(None), Announcement.expires_at > now))
                .where(audience)
                .where(or_(Announcement.locale.is_(None), Announcement.locale == locale))
                .where(true() if announcement_id is None else Announcement.id == announcement_id)
                .order_by(Announcement.published_at.desc(), Announcement.id.desc())
                .limit(limit)
            )
        )
