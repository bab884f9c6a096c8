"""digests and CRM write-back: each person's digest channel, the digests sent, and the
health last delivered to the CRM per account

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

The daily digest goes once per CSM and day (``digest_deliveries``' unique key), by email or
to the chat the person chose (``digest_preferences``); the CRM webhook sends only the
accounts whose health changed since ``crm_health_sent``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "digest_preferences",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=True),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_preferences")),
        sa.UniqueConstraint("user_id", name=op.f("uq_digest_preferences_user_id")),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_digest_deliveries_user_id_day")),
    )
    op.create_table(
        "crm_health_sent",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("sent", JSON, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_crm_health_sent_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_health_sent")),
        sa.UniqueConstraint("account_id", name=op.f("uq_crm_health_sent_account_id")),
    )


def downgrade() -> None:
    op.drop_table("crm_health_sent")
    op.drop_table("digest_deliveries")
    op.drop_table("digest_preferences")
