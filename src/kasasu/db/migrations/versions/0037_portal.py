"""customer portal: contacts' magic sign-in links and sessions, and announcements

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05

Issue 20, part 1. A contact signs in by a link emailed to them (``portal_links``: single
use, expiring) or from the product by the SDK's signed identity, and holds a session
(``portal_sessions``) apart from the staff's; both keep only the SHA-256 of their token.
``announcements`` are the team's news to every account or one segment's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "portal_links",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("used_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_portal_links_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_links_token_hash")),
    )
    op.create_index(
        op.f("ix_portal_links_contact_id"), "portal_links", ["contact_id"], unique=False
    )
    op.create_table(
        "portal_sessions",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_portal_sessions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_portal_sessions_contact_id"), "portal_sessions", ["contact_id"], unique=False
    )
    op.create_index(
        op.f("ix_portal_sessions_expires_at"), "portal_sessions", ["expires_at"], unique=False
    )
    op.create_table(
        "announcements",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("published_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=True),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", MOMENT, server_default=sa.func.current_timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_announcements_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index(
        op.f("ix_announcements_published_at"), "announcements", ["published_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_announcements_published_at"), table_name="announcements")
    op.drop_table("announcements")
    op.drop_index(op.f("ix_portal_sessions_expires_at"), table_name="portal_sessions")
    op.drop_index(op.f("ix_portal_sessions_contact_id"), table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_index(op.f("ix_portal_links_contact_id"), table_name="portal_links")
    op.drop_table("portal_links")
