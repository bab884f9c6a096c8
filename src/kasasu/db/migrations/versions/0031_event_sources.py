"""event sources: products sending events the Segment way, with revocable write keys

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04

``/v1/track``, ``/v1/identify``, ``/v1/group``, ``/v1/page`` and ``/v1/batch`` accept
Segment's HTTP API with a source's write key; the users a source named are kept with their
account and traits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "event_sources",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_hint", sa.String(length=12), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_event_sources_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_event_sources_key_hash")),
    )
    op.create_table(
        "source_users",
        sa.Column("source_id", ID, nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("account_external_id", sa.String(length=200), nullable=True),
        sa.Column("traits", JSON, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["event_sources.id"],
            name=op.f("fk_source_users_source_id_event_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_users")),
        sa.UniqueConstraint("source_id", "user_id", name=op.f("uq_source_users_source_id_user_id")),
    )


def downgrade() -> None:
    op.drop_table("source_users")
    op.drop_table("event_sources")
