"""job locks, and why a refresh skipped a segment or a playbook

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

Security review F14: one refresh per day at a time (a lock row per job, with its holder and
an expiry so that a crashed holder frees it). F7: a segment or playbook that cannot be
evaluated is skipped by the refresh, and the reason is kept on it for a leader to see.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base
from kasasu.models.base import JSONType

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", kasasu.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kasasu.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_locks")),
    )
    for table in ("segments", "playbooks"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("problem", JSONType, nullable=True))


def downgrade() -> None:
    for table in ("segments", "playbooks"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("problem")
    op.drop_table("job_locks")
