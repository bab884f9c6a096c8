"""pipeline: leads and deals (opportunities), the funnel before a customer is one

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05

The Model funnel (issue 19 §4) reads leads from marketing and the CRM's deals: a lead's
creation is its cohort, its qualification and a won deal its next stages, then the
account's first value, MRR 12 months after the win and its expansion.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
# The codes of domain.choices.DealStage and DealKind when this revision was written.
_STAGES = ("qualification", "proposal", "negotiation", "won", "lost")
_KINDS = ("new", "expansion")


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("company_name", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("qualified_at", MOMENT, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_leads_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("external_id", name=op.f("uq_leads_external_id")),
    )
    op.create_index(op.f("ix_leads_account_id"), "leads", ["account_id"], unique=False)
    op.create_index(op.f("ix_leads_created_at"), "leads", ["created_at"], unique=False)
    op.create_table(
        "deals",
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("lead_id", ID, nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(*_STAGES, name="dealstage", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "kind", sa.Enum(*_KINDS, name="dealkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deals_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_deals_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_deals_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("external_id", name=op.f("uq_deals_external_id")),
    )
    op.create_index(op.f("ix_deals_account_id"), "deals", ["account_id"], unique=False)
    op.create_index(op.f("ix_deals_lead_id"), "deals", ["lead_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deals_lead_id"), table_name="deals")
    op.drop_index(op.f("ix_deals_account_id"), table_name="deals")
    op.drop_table("deals")
    op.drop_index(op.f("ix_leads_created_at"), table_name="leads")
    op.drop_index(op.f("ix_leads_account_id"), table_name="leads")
    op.drop_table("leads")
