"""success plans: success_goals and plan_links

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04

The customer's objectives (導入目的) and measurable goals, and the read-only links that
share them with the customer (only a hash of each link's token is stored).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "success_goals",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("objective", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        _fk("success_goals", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_success_goals")),
    )
    op.create_index(op.f("ix_success_goals_account_id"), "success_goals", ["account_id"])
    op.create_table(
        "plan_links",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        _fk("plan_links", "account_id", "accounts", "CASCADE"),
        _fk("plan_links", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_plan_links_token_hash")),
    )
    op.create_index(op.f("ix_plan_links_account_id"), "plan_links", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_links_account_id"), table_name="plan_links")
    op.drop_table("plan_links")
    op.drop_index(op.f("ix_success_goals_account_id"), table_name="success_goals")
    op.drop_table("success_goals")
