"""purchase values: what each account's purchase events promise over the next year

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04

Usage events that are purchases (usage-based charges, one-off purchases) are projected per
account by BG/NBD and Gamma-Gamma; the fits are kept with the day's lifetime values.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("lifetime_value_fits") as batch:
        batch.add_column(sa.Column("purchases", JSON, nullable=True))
        # A business with purchases and no contract churn to fit has no sBG.
        batch.alter_column("alpha", existing_type=sa.Float(), nullable=True)
        batch.alter_column("beta", existing_type=sa.Float(), nullable=True)
    with op.batch_alter_table("lifetime_values") as batch:
        batch.add_column(sa.Column("purchases_ahead", sa.Float(), nullable=True))
        batch.add_column(sa.Column("purchase_mean", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("purchase_value", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("still_buying", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lifetime_values") as batch:
        for name in ("still_buying", "purchase_value", "purchase_mean", "purchases_ahead"):
            batch.drop_column(name)
    op.execute("DELETE FROM lifetime_value_fits WHERE alpha IS NULL OR beta IS NULL")
    with op.batch_alter_table("lifetime_value_fits") as batch:
        batch.drop_column("purchases")
        batch.alter_column("alpha", existing_type=sa.Float(), nullable=False)
        batch.alter_column("beta", existing_type=sa.Float(), nullable=False)
