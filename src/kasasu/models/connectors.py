"""What the connectors bring in and how their runs went: the events a source sent (so the
state they lead to is computed from all of them in their own order, whatever order they
came in), the billing system's invoices, and each sync run with its errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import InvoiceStatus
from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    JSONType,
    MoneyAmount,
    UTCDateTime,
    enum_column,
    utcnow,
)


class ConnectorEvent(IdMixin, Base):
    """One event of a source (a Stripe webhook event), stored once by its id."""

    __tablename__ = "connector_events"
    __table_args__ = (
        UniqueConstraint("connector", "event_id"),
        Index("ix_connector_events_object", "connector", "object_id"),
    )

    connector: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str] = mapped_column(String(200))  # what it is about: sub_…, cus_…, in_…
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())  # at the source
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the object as it then stood
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invoice(IdMixin, Base):
    """An invoice of the billing system: a payment that failed and is not yet paid is a
    payment issue (the health feature ``payment_issues``)."""

    __tablename__ = "invoices"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    subscription_ref: Mapped[str | None] = mapped_column(String(200))  # the billing system's
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus))
    currency: Mapped[str] = mapped_column(String(3))
    amount_due: Mapped[int] = mapped_column(MoneyAmount)
    amount_paid: Mapped[int] = mapped_column(MoneyAmount)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The first failed attempt to collect it, and when it was paid at last.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SyncRun(IdMixin, Base):
    """A connector's run: a backfill, a file sync, or a day of webhook deliveries."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connector", "connector", "started_at"),)

    connector: Mapped[str] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows: Mapped[int] = mapped_column(default=0)  # records applied
    error_count: Mapped[int] = mapped_column(default=0)
    # The first errors, each {"ref": row or event id, "message": …}; error_count has them all.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    detail: Mapped[str | None] = mapped_column(String(500))  # the file or the URL
    # SHA-256 of the export read (a fetched URL's is imported again only when it changes).
    fingerprint: Mapped[str | None] = mapped_column(String(64))
