"""ownership rules: owner_rules, owner_assignments and users.account_capacity

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04

Rules give an account without a CSM to one (kasasu.ownership); each assignment is kept so
the account page names the rule that chose its CSM.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
    ]


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("account_capacity", sa.Integer(), nullable=True))
    op.create_table(
        "owner_rules",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=2000), nullable=True),
        sa.Column("segment_id", ID, nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column(
            "owners",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_owner_id", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_owner_rules_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_owner_id"],
            ["users.id"],
            name=op.f("fk_owner_rules_last_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_owner_rules_name")),
    )
    op.create_table(
        "owner_assignments",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("rule_id", ID, nullable=True),
        sa.Column("rule_name", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("assigned_by", ID, nullable=True),
        sa.Column("assigned_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_owner_assignments_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_owner_assignments_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["owner_rules.id"],
            name=op.f("fk_owner_assignments_rule_id_owner_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"],
            ["users.id"],
            name=op.f("fk_owner_assignments_assigned_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_assignments")),
    )
    op.create_index("ix_owner_assignments_account", "owner_assignments", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_owner_assignments_account", table_name="owner_assignments")
    op.drop_table("owner_assignments")
    op.drop_table("owner_rules")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("account_capacity")
