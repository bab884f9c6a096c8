"""sync runs remember the fingerprint of the export they read

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-05

An export fetched from a URL every few minutes is imported again only when its content
changed: the SHA-256 of the last one imported is kept with its run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("fingerprint")
