"""contacts.left_on: the day a contact left the customer's company

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04

Kept for the history; survey audiences skip them (kasasu.surveys.repository).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("left_on")
