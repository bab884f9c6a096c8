"""lifetime values per account and the CSMs' renewal forecast calls

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04

The daily refresh stores each paying account's expected residual lifetime value (the sBG of
the LTV KPI at its tenure, adjusted by its churn risk) with the fit it used; a CSM's forecast
call on a renewal (commit, likely, at risk, will churn) is kept with every change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "lifetime_value_fits",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("beta", sa.Float(), nullable=False),
        sa.Column("yearly_discount", sa.Float(), nullable=False),
        sa.Column("gross_margin", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifetime_value_fits")),
        sa.UniqueConstraint("as_of", name=op.f("uq_lifetime_value_fits_as_of")),
    )
    op.create_table(
        "lifetime_values",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("fit_id", ID, nullable=False),
        sa.Column("mrr", sa.BigInteger(), nullable=False),
        sa.Column("paid_months", sa.Integer(), nullable=False),
        sa.Column("cohort_value", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=True),
        sa.Column("value_at_risk", sa.BigInteger(), nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_lifetime_values_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fit_id"],
            ["lifetime_value_fits.id"],
            name=op.f("fk_lifetime_values_fit_id_lifetime_value_fits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifetime_values")),
        sa.UniqueConstraint(
            "account_id", "as_of", name=op.f("uq_lifetime_values_account_id_as_of")
        ),
    )
    op.create_index("ix_lifetime_values_as_of", "lifetime_values", ["as_of"])
    op.create_index(op.f("ix_lifetime_values_fit_id"), "lifetime_values", ["fit_id"])
    op.create_table(
        "renewal_forecasts",
        sa.Column("subscription_id", ID, nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("set_by", ID, nullable=True),
        sa.Column("set_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_renewal_forecasts_subscription_id_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by"],
            ["users.id"],
            name=op.f("fk_renewal_forecasts_set_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewal_forecasts")),
    )
    op.create_index(
        "ix_renewal_forecasts_line_day", "renewal_forecasts", ["subscription_id", "renewal_date"]
    )


def downgrade() -> None:
    op.drop_table("renewal_forecasts")
    op.drop_table("lifetime_values")
    op.drop_table("lifetime_value_fits")
