"""guides: in-app guides, their published versions, who saw them, and assignments

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04

A guide keeps the draft its author edits; users see its published version. Each user's
history with a guide (shows, steps done, completed, dismissed) drives the frequency caps and
the guide report; the SDK's visitors count visits (first / N-th visit targeting).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "guides",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("environment_id", ID, nullable=False),
        sa.Column("draft", JSON, nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        _fk("guides", "environment_id", "sdk_environments", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
        sa.UniqueConstraint("key", name=op.f("uq_guides_key")),
    )
    op.create_index(op.f("ix_guides_environment_id"), "guides", ["environment_id"])
    op.create_table(
        "guide_versions",
        sa.Column("guide_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("published_at", MOMENT, nullable=False),
        sa.Column("published_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        _fk("guide_versions", "guide_id", "guides", "CASCADE"),
        _fk("guide_versions", "published_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_versions")),
        sa.UniqueConstraint("guide_id", "version", name=op.f("uq_guide_versions_guide_id_version")),
    )
    op.create_table(
        "guide_viewers",
        sa.Column("guide_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("shows", sa.Integer(), nullable=False),
        sa.Column("first_shown_at", MOMENT, nullable=True),
        sa.Column("last_shown_at", MOMENT, nullable=True),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("completed_at", MOMENT, nullable=True),
        sa.Column("dismissed_at", MOMENT, nullable=True),
        sa.Column("taken", JSON, nullable=False),
        sa.Column("id", ID, nullable=False),
        _fk("guide_viewers", "guide_id", "guides", "CASCADE"),
        _fk("guide_viewers", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_viewers")),
        sa.UniqueConstraint(
            "guide_id",
            "account_id",
            "user_key",
            name=op.f("uq_guide_viewers_guide_id_account_id_user_key"),
        ),
    )
    op.create_index(op.f("ix_guide_viewers_account_id"), "guide_viewers", ["account_id"])
    op.create_table(
        "sdk_visitors",
        sa.Column("environment_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", MOMENT, nullable=False),
        sa.Column("last_seen_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        _fk("sdk_visitors", "environment_id", "sdk_environments", "CASCADE"),
        _fk("sdk_visitors", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sdk_visitors")),
        sa.UniqueConstraint(
            "environment_id",
            "account_id",
            "user_key",
            name=op.f("uq_sdk_visitors_environment_id_account_id_user_key"),
        ),
    )
    op.create_index(op.f("ix_sdk_visitors_account_id"), "sdk_visitors", ["account_id"])
    op.create_table(
        "guide_assignments",
        sa.Column("guide_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("assigned_at", MOMENT, nullable=False),
        sa.Column("until", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        _fk("guide_assignments", "guide_id", "guides", "CASCADE"),
        _fk("guide_assignments", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_assignments")),
        sa.UniqueConstraint(
            "guide_id", "account_id", name=op.f("uq_guide_assignments_guide_id_account_id")
        ),
    )
    op.create_index(op.f("ix_guide_assignments_account_id"), "guide_assignments", ["account_id"])


def downgrade() -> None:
    op.drop_table("guide_assignments")
    op.drop_table("sdk_visitors")
    op.drop_table("guide_viewers")
    op.drop_table("guide_versions")
    op.drop_table("guides")
