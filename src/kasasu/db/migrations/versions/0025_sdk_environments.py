"""sdk_environments: where a product's SDK sends from

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04

Each environment has a public key (in the product's pages), a secret (on the product's
server, to sign who the user is) and the origins its pages are served from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sdk_environments",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column(
            "origins",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sdk_environments")),
        sa.UniqueConstraint("name", name=op.f("uq_sdk_environments_name")),
        sa.UniqueConstraint("public_key", name=op.f("uq_sdk_environments_public_key")),
    )


def downgrade() -> None:
    op.drop_table("sdk_environments")
