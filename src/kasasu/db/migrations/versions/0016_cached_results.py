"""cached read models

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

The dashboard's KPIs, kept under the key they were computed from (the latest refresh day,
the month, the currency), shared by every server process instead of one cache per process.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base
from kasasu.models.base import JSONType

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cached_results",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("computed_at", kasasu.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cached_results")),
    )


def downgrade() -> None:
    op.drop_table("cached_results")
