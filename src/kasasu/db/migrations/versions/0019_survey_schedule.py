"""survey_campaigns.scheduled_for: the day a draft campaign sends itself

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03

The daily refresh of that day (or a later one) sends it, once (kasasu.jobs.surveys).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_campaigns") as batch:
        batch.add_column(sa.Column("scheduled_for", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_campaigns") as batch:
        batch.drop_column("scheduled_for")
