"""Customer events (kasasu.webinars): webinars, seminars, user meetings and trainings, who
was invited and registered, who came, and each email sent about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import EventKind, RegistrationStatus
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    enum_column,
    utcnow,
)


class Webinar(IdMixin, TimestampMixin, Base):
    __tablename__ = "webinars"
    __table_args__ = (Index("ix_webinars_starts_at", "starts_at"),)

    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    title: Mapped[dict[str, Any]] = mapped_column(JSONType)  # {ja, en}: one may be empty
    description: Mapped[dict[str, Any]] = mapped_column(JSONType)  # Markdown, {ja, en}
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    join_url: Mapped[str | None] = mapped_column(String(2000))  # sent to those registered
    capacity: Mapped[int | None]  # seats; None: no limit
    waitlist: Mapped[bool] = mapped_column(default=True)  # when full: wait, else refused
    segment: Mapped[str | None] = mapped_column(String(100))  # whose contacts are invited
    reminder_hours: Mapped[int] = mapped_column(default=24)
    recording_url: Mapped[str | None] = mapped_column(String(2000))
    cancelled_at: Mapped[datetime | None]
    # When attendance was first imported or checked in: no-shows are then final.
    attendance_taken_at: Mapped[datetime | None]


class WebinarRegistration(IdMixin, Base):
    """One contact's place at one event, from the invitation to the attendance."""

    __tablename__ = "webinar_registrations"
    __table_args__ = (
        UniqueConstraint("webinar_id", "contact_id"),
        Index("ix_webinar_registrations_account", "account_id"),
        Index("ix_webinar_registrations_attended_at", "attended_at"),
    )

    webinar_id: Mapped[int] = mapped_column(IdType, ForeignKey("webinars.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)  # in the signed /e/ link
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    source: Mapped[str] = mapped_column(String(16))  # staff | segment | link | portal | import
    invited_at: Mapped[datetime | None]
    registered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]  # first join (import) or check-in
    attended_minutes: Mapped[int | None]
    attendance_source: Mapped[str | None] = mapped_column(String(16))  # zoom|teams|meet|hand
    no_show_at: Mapped[datetime | None]  # when the no-show was recorded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebinarMail(IdMixin, Base):
    """One email about an event to one contact: the unique key sends each once."""

    __tablename__ = "webinar_mails"
    __table_args__ = (UniqueConstraint("registration_id", "kind"),)

    registration_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webinar_registrations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))  # invitation | reminder
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
