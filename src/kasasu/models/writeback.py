"""Health written back to the CRM: what the webhook last delivered for each account, so the
next delivery sends only what changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, JSONType, UTCDateTime, utcnow


class CrmHealthSent(IdMixin, Base):
    __tablename__ = "crm_health_sent"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    # The values as delivered (band, score, churn risk, CSM): compared with the next day's.
    sent: Mapped[dict[str, Any]] = mapped_column(JSONType)
    day: Mapped[date]  # the refresh day they came from
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
