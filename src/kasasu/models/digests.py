"""The daily digest to each CSM: where each person wants it, and the digests sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, UTCDateTime, utcnow


class DigestPreference(IdMixin, Base):
    """A person's choice; without a row, the digest comes by email."""

    __tablename__ = "digest_preferences"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(16))  # email | slack | teams | chatwork | off
    # Their own Slack or Teams webhook URL, or Chatwork room; None: the deployment's.
    target: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DigestDelivery(IdMixin, Base):
    """One digest sent: the unique key makes it go once per person and day, whichever run
    (or worker) gets there first."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    channel: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
