"""connectors: the events a source sent, the billing system's invoices, sync runs

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04

Stripe's webhook events are kept by id, so that the contract lines they lead to are
computed from all of them in their own order; invoices carry the payment issues; each
connector run keeps its rows and errors for the sync status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "connector_events",
        sa.Column("connector", sa.String(length=30), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", MOMENT, nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_events")),
        sa.UniqueConstraint(
            "connector", "event_id", name=op.f("uq_connector_events_connector_event_id")
        ),
    )
    with op.batch_alter_table("connector_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_connector_events_object", ["connector", "object_id"], unique=False
        )

    op.create_table(
        "sync_runs",
        sa.Column("connector", sa.String(length=50), nullable=False),
        sa.Column("started_at", MOMENT, nullable=False),
        sa.Column("finished_at", MOMENT, nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index("ix_sync_runs_connector", ["connector", "started_at"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("subscription_ref", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "paid",
                "void",
                "uncollectible",
                name="invoicestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_due", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", MOMENT, nullable=False),
        sa.Column("failed_at", MOMENT, nullable=True),
        sa.Column("paid_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoices_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("external_id", name=op.f("uq_invoices_external_id")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_account_id"))

    op.drop_table("invoices")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_runs_connector")

    op.drop_table("sync_runs")
    with op.batch_alter_table("connector_events", schema=None) as batch_op:
        batch_op.drop_index("ix_connector_events_object")

    op.drop_table("connector_events")
