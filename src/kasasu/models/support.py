"""Support requests (問い合わせ) with their response and resolution times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import Priority, TicketChannel, TicketStatus
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class Ticket(IdMixin, TimestampMixin, Base):
    __tablename__ = "tickets"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(String(500))
    opened_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus))
    channel: Mapped[TicketChannel | None] = mapped_column(enum_column(TicketChannel))
    escalated: Mapped[bool] = mapped_column(default=False)
    satisfaction: Mapped[int | None]  # 1-5, from the ticket's CSAT question
