"""webinars and events: customer events (webinar, seminar, user meeting, training), each
contact's invitation, registration and attendance, and the emails sent about them

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05

An email about an event goes once per registration and kind (``webinar_mails``' unique
key); a contact has one place per event (``webinar_registrations``' unique key).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "webinars",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("description", JSON, nullable=False),
        sa.Column("starts_at", MOMENT, nullable=False),
        sa.Column("ends_at", MOMENT, nullable=False),
        sa.Column("join_url", sa.String(length=2000), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("waitlist", sa.Boolean(), nullable=False),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("reminder_hours", sa.Integer(), nullable=False),
        sa.Column("recording_url", sa.String(length=2000), nullable=True),
        sa.Column("cancelled_at", MOMENT, nullable=True),
        sa.Column("attendance_taken_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinars")),
    )
    op.create_index("ix_webinars_starts_at", "webinars", ["starts_at"], unique=False)
    op.create_table(
        "webinar_registrations",
        sa.Column("webinar_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("invited_at", MOMENT, nullable=True),
        sa.Column("registered_at", MOMENT, nullable=True),
        sa.Column("cancelled_at", MOMENT, nullable=True),
        sa.Column("attended_at", MOMENT, nullable=True),
        sa.Column("attended_minutes", sa.Integer(), nullable=True),
        sa.Column("attendance_source", sa.String(length=16), nullable=True),
        sa.Column("no_show_at", MOMENT, nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_webinar_registrations_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_webinar_registrations_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["webinar_id"],
            ["webinars.id"],
            name=op.f("fk_webinar_registrations_webinar_id_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinar_registrations")),
        sa.UniqueConstraint("token", name=op.f("uq_webinar_registrations_token")),
        sa.UniqueConstraint(
            "webinar_id",
            "contact_id",
            name=op.f("uq_webinar_registrations_webinar_id_contact_id"),
        ),
    )
    op.create_index(
        "ix_webinar_registrations_account", "webinar_registrations", ["account_id"], unique=False
    )
    op.create_index(
        "ix_webinar_registrations_attended_at",
        "webinar_registrations",
        ["attended_at"],
        unique=False,
    )
    op.create_table(
        "webinar_mails",
        sa.Column("registration_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["webinar_registrations.id"],
            name=op.f("fk_webinar_mails_registration_id_webinar_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinar_mails")),
        sa.UniqueConstraint(
            "registration_id", "kind", name=op.f("uq_webinar_mails_registration_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("webinar_mails")
    op.drop_index("ix_webinar_registrations_attended_at", table_name="webinar_registrations")
    op.drop_index("ix_webinar_registrations_account", table_name="webinar_registrations")
    op.drop_table("webinar_registrations")
    op.drop_index("ix_webinars_starts_at", table_name="webinars")
    op.drop_table("webinars")
