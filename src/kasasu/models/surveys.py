"""Answers to NPS, CSAT and CES questions (アンケート回答)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import SurveyKind
from kasasu.models.base import Base, IdMixin, IdType, JSONType, TimestampMixin, enum_column


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


class SurveyCampaign(IdMixin, TimestampMixin, Base):
    """A survey sent to an audience (a segment or a list of contacts): draft → sent → closed."""

    __tablename__ = "survey_campaigns"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Random, unguessable: names the campaign on the hosted page and in the widget.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    question_ja: Mapped[str | None] = mapped_column(String(500))
    question_en: Mapped[str | None] = mapped_column(String(500))
    followup_ja: Mapped[str | None] = mapped_column(String(500))
    followup_en: Mapped[str | None] = mapped_column(String(500))
    segment: Mapped[str | None] = mapped_column(String(100))  # audience: a segment's name ...
    # ... or an explicit list of contact ids and/or emails.
    audience: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    channel_email: Mapped[bool] = mapped_column(default=True)
    channel_page: Mapped[bool] = mapped_column(default=False)
    channel_widget: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | sent | closed
    throttle_days: Mapped[int]
    expires_days: Mapped[int]
    sent_at: Mapped[datetime | None]
    scheduled_for: Mapped[date | None]  # a draft the daily refresh of that day sends


class SurveyInvitation(IdMixin, TimestampMixin, Base):
    """A contact to be asked a survey question (by a playbook or a campaign); sent later."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_status", "status"),
        Index("ix_survey_invitations_campaign", "campaign_id"),
        Index("ix_survey_invitations_contact_created", "contact_id", "created_at"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    source: Mapped[str] = mapped_column(String(200))  # e.g. "playbook:detractor-recovery"
    # Playbook invitations have no campaign until a campaign picks them up.
    campaign_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("survey_campaigns.id", ondelete="CASCADE")
    )
    token: Mapped[str | None] = mapped_column(String(64), unique=True)  # random; signed in links
    locale: Mapped[str | None] = mapped_column(String(8))  # the language it was sent in
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
