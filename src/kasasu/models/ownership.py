"""Ownership rules (担当割り当てルール): who gets a new account, and the record of each
assignment they made, so an account page can say which rule chose its CSM."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import OwnerMethod
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


class OwnerRule(IdMixin, TimestampMixin, Base):
    __tablename__ = "owner_rules"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int]  # the first enabled rule (lowest position) that matches decides
    condition: Mapped[str | None] = mapped_column(String(2000))  # None: every account
    segment_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("segments.id", ondelete="CASCADE")
    )
    method: Mapped[OwnerMethod] = mapped_column(enum_column(OwnerMethod))
    owners: Mapped[list[int]] = mapped_column(JSONType)  # user ids, in the order given
    enabled: Mapped[bool] = mapped_column(default=True)
    # Round robin: the last CSM this rule gave an account to, so the next run goes on.
    last_owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )


class OwnerAssignment(IdMixin, Base):
    """One account given to a CSM by a rule (or by hand through the rules' bulk action)."""

    __tablename__ = "owner_assignments"
    __table_args__ = (Index("ix_owner_assignments_account", "account_id", "id"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    rule_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("owner_rules.id", ondelete="SET NULL")
    )
    rule_name: Mapped[str] = mapped_column(String(100))  # kept when the rule is deleted
    method: Mapped[OwnerMethod] = mapped_column(enum_column(OwnerMethod))
    assigned_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
