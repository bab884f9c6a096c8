from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from kasasu.db.repository import Repository
from kasasu.domain.choices import RegistrationStatus as S
from kasasu.models import Account, Contact, Webinar, WebinarMail, WebinarRegistration

SEATED = (S.REGISTERED,)


class WebinarRepository(Repository[Webinar]):
    model = Webinar
    sortable = ("id", "starts_at", "created_at")
    default_sort = "-starts_at"
    searchable = ()

    def locked(self, webinar_id: int) -> Webinar | None:
        """The event, its row locked until the transaction ends (PostgreSQL; SQLite writes
        one at a time anyway): seats are counted and taken under it."""
        stmt = select(Webinar).where(Webinar.id == webinar_id).with_for_update()
        return self.session.scalars(stmt).first()

    def listed(self, offset: int, limit: int) -> list[Webinar]:
        stmt = select(Webinar).order_by(Webinar.starts_at.desc(), Webinar.id.desc())
        return list(self.session.scalars(stmt.offset(offset).limit(limit)))

    def total(self) -> int:
        return int(self.session.scalar(select(func.count(Webinar.id))) or 0)

    def ended_before(self, moment: datetime) -> list[Webinar]:
        stmt = select(Webinar).where(Webinar.ends_at <= moment, Webinar.cancelled_at.is_(None))
        return list(self.session.scalars(stmt.order_by(Webinar.starts_at)))

    def upcoming(self, now: datetime) -> list[Webinar]:
        stmt = select(Webinar).where(Webinar.starts_at > now, Webinar.cancelled_at.is_(None))
        return list(self.session.scalars(stmt.order_by(Webinar.starts_at)))

    def ended(self, now: datetime, offset: int, limit: int) -> list[Webinar]:
        """A page of the events over and not called off, the latest first (the report's)."""
        stmt = select(Webinar).where(Webinar.ends_at <= now, Webinar.cancelled_at.is_(None))
        stmt = stmt.order_by(Webinar.starts_at.desc(), Webinar.id.desc())
        return list(self.session.scalars(stmt.offset(offset).limit(limit)))

    def count_ended(self, now: datetime) -> int:
        stmt = select(func.count(Webinar.id)).where(
            Webinar.ends_at <= now, Webinar.cancelled_at.is_(None)
        )
        return int(self.session.scalar(stmt) or 0)

    def meant_for(self, segments: Iterable[str], contact_id: int, now: datetime) -> list[Webinar]:
        """Events still to end and not called off that a contact may register for: those for
        every account, for one of ``segments``, or that the contact was invited to."""
        theirs = select(WebinarRegistration.webinar_id).where(
            WebinarRegistration.contact_id == contact_id
        )
        stmt = select(Webinar).where(
            Webinar.ends_at > now,
            Webinar.cancelled_at.is_(None),
            or_(
                Webinar.segment.is_(None),
                Webinar.segment.in_(sorted(segments)),
                Webinar.id.in_(theirs),
            ),
        )
        return list(self.session.scalars(stmt.order_by(Webinar.starts_at, Webinar.id)))

    def touch_models(self) -> dict[int, str | None]:
        """Every account's own touch model (None: none set)."""
        stmt = select(Account.id, Account.touch_model)
        return {
            int(a): (None if t is None else str(t.value)) for a, t in self.session.execute(stmt)
        }


class RegistrationRepository(Repository[WebinarRegistration]):
    model = WebinarRegistration
    sortable = ("id",)
    default_sort = "id"
    searchable = ()

    def of(self, webinar_id: int, contact_id: int) -> WebinarRegistration | None:
        stmt = select(WebinarRegistration).where(
            WebinarRegistration.webinar_id == webinar_id,
            WebinarRegistration.contact_id == contact_id,
        )
        return self.session.scalars(stmt).first()

    def by_token(self, token: str) -> WebinarRegistration | None:
        stmt = select(WebinarRegistration).where(WebinarRegistration.token == token)
        return self.session.scalars(stmt).first()

    def seated(self, webinar_id: int) -> int:
        stmt = select(func.count(WebinarRegistration.id)).where(
            WebinarRegistration.webinar_id == webinar_id,
            WebinarRegistration.status.in_(SEATED),
        )
        return int(self.session.scalar(stmt) or 0)

    def first_waiting(self, webinar_id: int) -> WebinarRegistration | None:
        stmt = (
            select(WebinarRegistration)
            .where(
                WebinarRegistration.webinar_id == webinar_id,
                WebinarRegistration.status == S.WAITLISTED,
            )
            .order_by(WebinarRegistration.registered_at, WebinarRegistration.id)
        )
        return self.session.scalars(stmt.limit(1)).first()

    def of_webinar(self, webinar_id: int) -> list[WebinarRegistration]:
        stmt = select(WebinarRegistration).where(WebinarRegistration.webinar_id == webinar_id)
        return list(self.session.scalars(stmt.order_by(WebinarRegistration.id)))

    def with_people(
        self, webinar_id: int, offset: int, limit: int
    ) -> list[tuple[WebinarRegistration, str, str | None, str]]:
        stmt = (
            select(WebinarRegistration, Contact.name, Contact.email, Account.name)
            .join(Contact, Contact.id == WebinarRegistration.contact_id)
            .join(Account, Account.id == WebinarRegistration.account_id)
            .where(WebinarRegistration.webinar_id == webinar_id)
            .order_by(Account.name, Contact.name, WebinarRegistration.id)
        )
        found = self.session.execute(stmt.offset(offset).limit(limit))
        return [(r, name, email, account) for r, name, email, account in found]

    def counts(self, webinar_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Per event: registrations per status, attended and no-shows."""
        ids = list(webinar_ids)
        if not ids:
            return {}
        r = WebinarRegistration
        stmt = (
            select(
                r.webinar_id,
                r.status,
                func.count(r.id),
                func.count(r.attended_at),
                func.count(r.no_show_at),
            )
            .where(r.webinar_id.in_(ids))
            .group_by(r.webinar_id, r.status)
        )
        found: dict[int, dict[str, int]] = {}
        for webinar_id, status, n, attended, no_show in self.session.execute(stmt):
            row = found.setdefault(int(webinar_id), {})
            row[str(S(status).value)] = int(n)
            row["attended"] = row.get("attended", 0) + int(attended)
            row["no_show"] = row.get("no_show", 0) + int(no_show)
        return found

    def count_of(self, webinar_id: int) -> int:
        stmt = select(func.count(WebinarRegistration.id)).where(
            WebinarRegistration.webinar_id == webinar_id
        )
        return int(self.session.scalar(stmt) or 0)

    def of_contact(
        self, contact_id: int, webinar_ids: Iterable[int]
    ) -> dict[int, WebinarRegistration]:
        ids = sorted(set(webinar_ids))
        if not ids:
            return {}
        stmt = select(WebinarRegistration).where(
            WebinarRegistration.contact_id == contact_id, WebinarRegistration.webinar_id.in_(ids)
        )
        return {r.webinar_id: r for r in self.session.scalars(stmt)}

    def past_of_contact(
        self, contact_id: int, now: datetime, limit: int
    ) -> tuple[list[tuple[WebinarRegistration, Webinar]], int]:
        """The contact's seats at events over (latest first, at most ``limit``), and how
        many there are."""
        r = WebinarRegistration
        where = (
            r.contact_id == contact_id,
            r.status == S.REGISTERED,
            Webinar.ends_at <= now,
            Webinar.cancelled_at.is_(None),
        )
        stmt = select(r, Webinar).join(Webinar, Webinar.id == r.webinar_id).where(*where)
        rows = self.session.execute(stmt.order_by(Webinar.starts_at.desc()).limit(limit))
        total = select(func.count(r.id)).join(Webinar, Webinar.id == r.webinar_id).where(*where)
        return [(a, b) for a, b in rows], int(self.session.scalar(total) or 0)

    def add_once(self, row: WebinarRegistration) -> bool:
        """Insert unless the contact already has a place (another request may have made it
        meanwhile): False then, and nothing written."""
        point = self.session.begin_nested()
        try:
            self.session.add(row)
            self.session.flush()
        except IntegrityError:
            point.rollback()
            return False
        point.commit()
        return True

    def invited_contacts(self, webinar_id: int) -> set[int]:
        stmt = select(WebinarRegistration.contact_id).where(
            WebinarRegistration.webinar_id == webinar_id
        )
        return set(self.session.scalars(stmt))

    def contacts_by_email(self, emails: Iterable[str]) -> dict[str, Contact]:
        """Lower-cased address → the contact with it (the latest made, when several
        share it)."""
        wanted = sorted({e.lower() for e in emails if e})
        found: dict[str, Contact] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            stmt = select(Contact).where(func.lower(Contact.email).in_(chunk)).order_by(Contact.id)
            for contact in self.session.scalars(stmt):
                found[str(contact.email).lower()] = contact
        return found

    def reachable_contacts(self, account_ids: Iterable[int], day: date) -> list[Contact]:
        ids = sorted(set(account_ids))
        found: list[Contact] = []
        for start in range(0, len(ids), 500):
            stmt = (
                select(Contact)
                .where(
                    Contact.account_id.in_(ids[start : start + 500]),
                    or_(Contact.left_on.is_(None), Contact.left_on > day),
                )
                .order_by(Contact.id)
            )
            found.extend(self.session.scalars(stmt))
        return found

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def account(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def account_external_ids(self, account_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(account_ids))
        if not ids:
            return {}
        stmt = select(Account.id, Account.external_id).where(Account.id.in_(ids))
        return {int(a): str(x) for a, x in self.session.execute(stmt)}

    def outcomes_between(
        self, column: str, start: datetime, end: datetime
    ) -> list[tuple[int, int, int, Any, str | None]]:
        """(account, event, contact, event title, recording) for registrations whose
        ``column`` (attended_at or no_show_at) falls in [start, end)."""
        r = WebinarRegistration
        at = getattr(r, column)
        stmt = (
            select(r.account_id, r.webinar_id, r.contact_id, Webinar.title, Webinar.recording_url)
            .join(Webinar, Webinar.id == r.webinar_id)
            .where(and_(at >= start, at < end))
            .order_by(r.account_id, r.webinar_id, r.contact_id)
        )
        return [(int(a), int(w), int(c), t, u) for a, w, c, t, u in self.session.execute(stmt)]

    def attended_accounts(self, start: datetime, end: datetime) -> set[int]:
        r = WebinarRegistration
        stmt = select(r.account_id).where(r.attended_at >= start, r.attended_at < end)
        return set(self.session.scalars(stmt.distinct()))


class MailRepository(Repository[WebinarMail]):
    model = WebinarMail
    sortable = ("id",)
    default_sort = "id"
    searchable = ()

    def owed(self, now: datetime) -> list[tuple[WebinarRegistration, Webinar, str]]:
        """(registration, event, kind) for every invitation and reminder due now and not
        sent: invitations of upcoming events; reminders of seats in events that start
        within their reminder hours."""
        r, w = WebinarRegistration, Webinar
        sent = select(WebinarMail.registration_id, WebinarMail.kind).subquery()
        rows: list[tuple[WebinarRegistration, Webinar, str]] = []
        for kind, status in (("invitation", S.INVITED), ("reminder", S.REGISTERED)):
            stmt = (
                select(r, w)
                .join(w, w.id == r.webinar_id)
                .outerjoin(sent, and_(sent.c.registration_id == r.id, sent.c.kind == kind))
                .where(
                    r.status == status,
                    w.cancelled_at.is_(None),
                    w.starts_at > now,
                    sent.c.registration_id.is_(None),
                )
                .order_by(w.starts_at, r.id)
            )
            for registration, webinar in self.session.execute(stmt):
                if kind == "reminder" and not _within_reminder(webinar, now):
                    continue
                rows.append((registration, webinar, kind))
        return rows


def _within_reminder(webinar: Webinar, now: datetime) -> bool:
    return (webinar.starts_at - now).total_seconds() <= webinar.reminder_hours * 3600
