"""churn models: the model each refresh trains, and every account's risk and reasons per day

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04

The daily refresh trains a churn model on the feature history (labels only from days whose
horizon has passed) and scores the day's paying accounts; the card says how good it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "churn_models",
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cv_auc", sa.Float(), nullable=False),
        sa.Column("card", JSON, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_churn_models")),
        sa.UniqueConstraint("trained_on", name=op.f("uq_churn_models_trained_on")),
    )
    op.create_table(
        "churn_risks",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("model_id", ID, nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_churn_risks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["churn_models.id"],
            name=op.f("fk_churn_risks_model_id_churn_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_churn_risks")),
        sa.UniqueConstraint("account_id", "as_of", name=op.f("uq_churn_risks_account_id_as_of")),
    )
    op.create_index("ix_churn_risks_as_of_risk", "churn_risks", ["as_of", "risk"])
    op.create_index(op.f("ix_churn_risks_model_id"), "churn_risks", ["model_id"])


def downgrade() -> None:
    op.drop_table("churn_risks")
    op.drop_table("churn_models")
