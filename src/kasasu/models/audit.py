"""The audit log: who changed what, when and from where (append-only).

One row per changed field of a written row. Neither table has foreign keys: an entry
outlives the account, user or key it names, and a cascade would have to rewrite it.
The database refuses UPDATE and DELETE on both tables (triggers in migration 0014); the
one exception is ``kasasu audit prune``, which records itself in ``audit_prunes`` first
and may then delete the entries older than the date it recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType, UTCDateTime, utcnow


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_account_id_id", "account_id", "id"),
        Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
        # The latest entry about a table, in one lookup (kasasu.cache: stored read models).
        Index("ix_audit_log_entity_id", "entity", "id"),
    )

    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))  # user, api_key, playbook, cli, system
    actor_id: Mapped[int | None] = mapped_column(
        IdType
    )  # the user's or key's id (no key: they may be deleted)
    actor_name: Mapped[str] = mapped_column(String(320))
    origin: Mapped[str] = mapped_column(String(16))  # api, web, import, playbook, cli, system
    client: Mapped[str | None] = mapped_column(String(64))  # the client's address
    request_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))  # insert, update, delete
    entity: Mapped[str] = mapped_column(String(64))  # the table
    entity_id: Mapped[int | None] = mapped_column(IdType)
    account_id: Mapped[int | None] = mapped_column(IdType)
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[str | None]
    after: Mapped[str | None]


class AuditPrune(IdMixin, Base):
    """A retention prune, recorded before it deletes: entries before ``before`` may go."""

    __tablename__ = "audit_prunes"

    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_name: Mapped[str] = mapped_column(String(320))
    entries: Mapped[int]
