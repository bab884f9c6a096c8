"""People at an account (担当者)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import ContactRole, Language
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class Contact(IdMixin, TimestampMixin, Base):
    __tablename__ = "contacts"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[ContactRole] = mapped_column(enum_column(ContactRole), default=ContactRole.USER)
    # The language they read (None: their account's, else the installation's).
    locale: Mapped[Language | None] = mapped_column(enum_column(Language))
    # Agreed to be a reference (case study, referral): advocates are such promoters.
    reference_ok: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The day they left the customer's company: kept for the history, no longer asked or
    # written to (survey audiences skip them).
    left_on: Mapped[date | None]
