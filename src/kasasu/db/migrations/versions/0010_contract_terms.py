"""contract terms, the line version a renewal opened, and end dates indexed (renewals)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("term_months", sa.Integer(), nullable=True))
        batch.create_index("ix_subscriptions_end_date", ["end_date"])
    with op.batch_alter_table("renewals") as batch:
        batch.add_column(sa.Column("new_subscription_id", kasasu.models.base.IdType, nullable=True))
        batch.create_foreign_key(
            "fk_renewals_new_subscription_id_subscriptions",
            "subscriptions",
            ["new_subscription_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("renewals") as batch:
        batch.drop_constraint("fk_renewals_new_subscription_id_subscriptions", type_="foreignkey")
        batch.drop_column("new_subscription_id")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_index("ix_subscriptions_end_date")
        batch.drop_column("term_months")
