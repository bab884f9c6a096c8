"""Answers to NPS, CSAT and CES questions (アンケート回答)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import SurveyKind
from kasasu.models.base import Base, IdMixin, IdType, TimestampMixin, enum_column


class SurveyResponse(IdMixin, TimestampMixin, Base):
    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_account_answered", "account_id", "answered_at"),)

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    score: Mapped[int]
    comment: Mapped[str | None]
    answered_at: Mapped[datetime]
    campaign: Mapped[str | None] = mapped_column(String(200))


class SurveyInvitation(IdMixin, TimestampMixin, Base):
    """A contact to be asked a survey question (by a playbook or a campaign); sent later."""

    __tablename__ = "survey_invitations"
    __table_args__ = (Index("ix_survey_invitations_status", "status"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    source: Mapped[str] = mapped_column(String(200))  # e.g. "playbook:detractor-recovery"
