"""onboarding meetings: meetings, their invitees, the customer's reminders

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05

Meetings on the onboarding plan (kick-off, training, review) with the contacts invited, their
replies and attendance; one row per email sent to the customer (a unique key so each goes
out once); and the customer's language on the plan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


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
    with op.batch_alter_table("onboardings") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    op.create_table(
        "onboarding_meetings",
        sa.Column("onboarding_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", MOMENT, nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        *_stamps(),
        _fk("onboarding_meetings", "onboarding_id", "onboardings", "CASCADE"),
        _fk("onboarding_meetings", "account_id", "accounts", "CASCADE"),
        _fk("onboarding_meetings", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_meetings")),
        sa.UniqueConstraint("uid", name=op.f("uq_onboarding_meetings_uid")),
    )
    for column in ("onboarding_id", "account_id", "starts_at"):
        op.create_index(op.f(f"ix_onboarding_meetings_{column}"), "onboarding_meetings", [column])
    op.create_table(
        "onboarding_meeting_invitees",
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("rsvp", sa.String(length=32), nullable=False),
        sa.Column("rsvp_at", MOMENT, nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("uninvited_at", MOMENT, nullable=True),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("id", ID, nullable=False),
        *_stamps(),
        _fk("onboarding_meeting_invitees", "meeting_id", "onboarding_meetings", "CASCADE"),
        _fk("onboarding_meeting_invitees", "contact_id", "contacts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_meeting_invitees")),
        sa.UniqueConstraint(
            "meeting_id",
            "contact_id",
            name=op.f("uq_onboarding_meeting_invitees_meeting_id_contact_id"),
        ),
        sa.UniqueConstraint("token", name=op.f("uq_onboarding_meeting_invitees_token")),
    )
    for column in ("meeting_id", "contact_id"):
        op.create_index(
            op.f(f"ix_onboarding_meeting_invitees_{column}"),
            "onboarding_meeting_invitees",
            [column],
        )
    op.create_table(
        "onboarding_reminders",
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        _fk("onboarding_reminders", "contact_id", "contacts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_reminders")),
        sa.UniqueConstraint(
            "subject",
            "subject_id",
            "kind",
            "revision",
            "contact_id",
            name=op.f("uq_onboarding_reminders_subject_subject_id_kind_revision_contact_id"),
        ),
    )
    op.create_index(
        op.f("ix_onboarding_reminders_contact_id"), "onboarding_reminders", ["contact_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_onboarding_reminders_contact_id"), table_name="onboarding_reminders")
    op.drop_table("onboarding_reminders")
    for column in ("meeting_id", "contact_id"):
        op.drop_index(
            op.f(f"ix_onboarding_meeting_invitees_{column}"),
            table_name="onboarding_meeting_invitees",
        )
    op.drop_table("onboarding_meeting_invitees")
    for column in ("onboarding_id", "account_id", "starts_at"):
        op.drop_index(op.f(f"ix_onboarding_meetings_{column}"), table_name="onboarding_meetings")
    op.drop_table("onboarding_meetings")
    with op.batch_alter_table("onboardings") as batch:
        batch.drop_column("locale")
