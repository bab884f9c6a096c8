"""Customer requests and needs (要望), weighed later by revenue and effort."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import NeedStatus, RequestSource
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class Feedback(IdMixin, TimestampMixin, Base):
    __tablename__ = "feedback"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None]
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus), default=NeedStatus.NEW)
    effort_days: Mapped[int | None]  # estimated effort in person-days
    # The need (要望) this request is grouped under; the need carries the effort that counts.
    need_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("needs.id", ondelete="SET NULL"), index=True
    )
    # Where it was heard: an activity, a ticket or a survey answer (None: entered directly).
    source_kind: Mapped[RequestSource | None] = mapped_column(enum_column(RequestSource))
    source_id: Mapped[int | None] = mapped_column(IdType)
