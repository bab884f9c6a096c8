"""Onboarding (オンボーディング): plan templates in numbered versions, the plan an account
walks (from its contract start to first value), its steps (milestones), and the customer's
success plan (導入目的 and goals) with the links that share it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import GoalStatus, MeetingKind, MeetingStatus, Rsvp, StepSide
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


class OnboardingTemplate(IdMixin, TimestampMixin, Base):
    """A named plan template; its stages and steps live in its versions (the latest is used
    for new plans; a plan keeps the version it started with)."""

    __tablename__ = "onboarding_templates"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Account fields an account must match for this template to be its plan; {} for any.
    applies_to: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Templates are tried by ascending priority; the first that matches an account is its plan.
    priority: Mapped[int] = mapped_column(default=100)


class OnboardingTemplateVersion(IdMixin, Base):
    __tablename__ = "onboarding_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    template_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("onboarding_templates.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Onboarding(IdMixin, TimestampMixin, Base):
    """The plan an account walks: one per account (a second start replaces nothing; it is
    refused while one exists)."""

    __tablename__ = "onboardings"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    template_version_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("onboarding_template_versions.id", ondelete="RESTRICT"), index=True
    )
    started_on: Mapped[date]  # the day due offsets count from (the contract start)
    first_value_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    # The customer's language for reminders and meeting mail (None: the installation's).
    locale: Mapped[str | None] = mapped_column(String(8))


class Milestone(IdMixin, TimestampMixin, Base):
    """A step of an account's onboarding: from its plan (onboarding_id set) or imported."""

    __tablename__ = "milestones"

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    plan: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_first_value: Mapped[bool] = mapped_column(default=False)
    due_date: Mapped[date | None]
    done_at: Mapped[datetime | None]
    onboarding_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("onboardings.id", ondelete="CASCADE"), index=True
    )
    step_key: Mapped[str | None] = mapped_column(String(100))  # the template's step
    stage: Mapped[str | None] = mapped_column(String(200))
    side: Mapped[StepSide] = mapped_column(enum_column(StepSide), default=StepSide.CS)
    # A usage event that completes the step by itself once seen after the plan started.
    completion_event: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("tasks.id", ondelete="SET NULL"))
    done_by: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))


class SuccessGoal(IdMixin, TimestampMixin, Base):
    """A measurable goal of the customer's success plan, under the objective (導入目的) it
    serves; the objectives are the distinct texts of an account's goals."""

    __tablename__ = "success_goals"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    objective: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    target_date: Mapped[date | None]
    status: Mapped[GoalStatus] = mapped_column(enum_column(GoalStatus), default=GoalStatus.PLANNED)


class PlanLink(IdMixin, Base):
    """A read-only link to an account's success plan for the customer: only the token's
    hash is kept (the link is shown once); it ends when it expires or is revoked."""

    __tablename__ = "plan_links"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(8))  # the customer's language
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OnboardingMeeting(IdMixin, TimestampMixin, Base):
    """A meeting on the plan with the customer's contacts (kick-off, training, review)."""

    __tablename__ = "onboarding_meetings"

    onboarding_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("onboardings.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int]
    place: Mapped[str | None] = mapped_column(String(500))  # a room, an address or a URL
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    # The calendar invitation's identity (UID) and revision (SEQUENCE, +1 per change).
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    locale: Mapped[str] = mapped_column(String(8))  # the language its mail is written in
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )


class MeetingInvitee(IdMixin, TimestampMixin, Base):
    """A contact invited to a meeting: their reply (RSVP) and whether they attended."""

    __tablename__ = "onboarding_meeting_invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id"),)

    meeting_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("onboarding_meetings.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    rsvp: Mapped[Rsvp] = mapped_column(enum_column(Rsvp), default=Rsvp.PENDING)
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None]  # None until attendance is recorded
    # Taken off the meeting (kept so that they are sent its cancellation).
    uninvited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Random; signed into the reply links. None when the links no longer answer.
    token: Mapped[str | None] = mapped_column(String(64), unique=True)


class OnboardingReminder(IdMixin, Base):
    """One email sent to the customer about a meeting or a step: the unique key makes each
    one go out once, whichever worker gets there first."""

    __tablename__ = "onboarding_reminders"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "kind", "revision", "contact_id"),)

    subject: Mapped[str] = mapped_column(String(16))  # meeting | step
    subject_id: Mapped[int] = mapped_column(IdType)
    # invitation | reminder | cancellation (meetings); due_soon | overdue (steps)
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(default=0)  # the meeting's sequence; 0 for steps
    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
