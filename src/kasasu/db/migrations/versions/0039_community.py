"""community: spaces, threads (questions and discussions), answers and comments, reactions,
follows, reports, members' mention handles and the daily digests sent

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kasasu.models.base

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "community_spaces",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_ja", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_ja", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_spaces")),
        sa.UniqueConstraint("slug", name=op.f("uq_community_spaces_slug")),
    )
    op.create_table(
        "community_digests",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_digests_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_digests")),
        sa.UniqueConstraint("contact_id", "day", name=op.f("uq_community_digests_contact_id_day")),
    )
    op.create_table(
        "community_members",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("joined_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_members_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_members")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_community_members_contact_id")),
        sa.UniqueConstraint("handle", name=op.f("uq_community_members_handle")),
    )
    op.create_table(
        "community_posts",
        sa.Column("space_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("author_contact_id", ID, nullable=True),
        sa.Column("author_user_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("need_id", ID, nullable=True),
        sa.Column("last_activity_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_community_posts_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_posts_author_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_community_posts_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name=op.f("fk_community_posts_need_id_needs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["community_spaces.id"],
            name=op.f("fk_community_posts_space_id_community_spaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_posts")),
    )
    op.create_index(
        "ix_community_posts_account_created",
        "community_posts",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_community_posts_author_created",
        "community_posts",
        ["author_contact_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_community_posts_space_activity",
        "community_posts",
        ["space_id", "last_activity_at"],
        unique=False,
    )
    op.create_table(
        "community_follows",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("post_id", ID, nullable=True),
        sa.Column("space_id", ID, nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_follows_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_posts.id"],
            name=op.f("fk_community_follows_post_id_community_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["community_spaces.id"],
            name=op.f("fk_community_follows_space_id_community_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_follows")),
        sa.UniqueConstraint(
            "contact_id", "target", name=op.f("uq_community_follows_contact_id_target")
        ),
    )
    op.create_index(
        op.f("ix_community_follows_post_id"), "community_follows", ["post_id"], unique=False
    )
    op.create_index(
        op.f("ix_community_follows_space_id"), "community_follows", ["space_id"], unique=False
    )
    op.create_table(
        "community_replies",
        sa.Column("post_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("author_contact_id", ID, nullable=True),
        sa.Column("author_user_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_community_replies_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_replies_author_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_community_replies_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["community_replies.id"],
            name=op.f("fk_community_replies_parent_id_community_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_posts.id"],
            name=op.f("fk_community_replies_post_id_community_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_replies")),
    )
    op.create_index(
        "ix_community_replies_account_created",
        "community_replies",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_replies_parent_id"), "community_replies", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_community_replies_post_id"), "community_replies", ["post_id"], unique=False
    )
    op.create_table(
        "community_reactions",
        sa.Column("post_id", ID, nullable=False),
        sa.Column("reply_id", ID, nullable=True),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("reaction", sa.String(length=16), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_community_reactions_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_reactions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_posts.id"],
            name=op.f("fk_community_reactions_post_id_community_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["community_replies.id"],
            name=op.f("fk_community_reactions_reply_id_community_replies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_reactions")),
        sa.UniqueConstraint(
            "target", "contact_id", name=op.f("uq_community_reactions_target_contact_id")
        ),
    )
    op.create_index(
        "ix_community_reactions_account_created",
        "community_reactions",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_reactions_post_id"), "community_reactions", ["post_id"], unique=False
    )
    op.create_table(
        "community_reports",
        sa.Column("post_id", ID, nullable=False),
        sa.Column("reply_id", ID, nullable=True),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=True),
        sa.Column("resolved_by", ID, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_community_reports_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_posts.id"],
            name=op.f("fk_community_reports_post_id_community_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["community_replies.id"],
            name=op.f("fk_community_reports_reply_id_community_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["users.id"],
            name=op.f("fk_community_reports_resolved_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_reports")),
        sa.UniqueConstraint(
            "contact_id", "target", name=op.f("uq_community_reports_contact_id_target")
        ),
    )
    op.create_index(
        op.f("ix_community_reports_post_id"), "community_reports", ["post_id"], unique=False
    )
    op.create_index(
        "ix_community_reports_resolved", "community_reports", ["resolved_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_community_reports_resolved", table_name="community_reports")
    op.drop_index(op.f("ix_community_reports_post_id"), table_name="community_reports")
    op.drop_table("community_reports")
    op.drop_index(op.f("ix_community_reactions_post_id"), table_name="community_reactions")
    op.drop_index("ix_community_reactions_account_created", table_name="community_reactions")
    op.drop_table("community_reactions")
    op.drop_index(op.f("ix_community_replies_post_id"), table_name="community_replies")
    op.drop_index(op.f("ix_community_replies_parent_id"), table_name="community_replies")
    op.drop_index("ix_community_replies_account_created", table_name="community_replies")
    op.drop_table("community_replies")
    op.drop_index(op.f("ix_community_follows_space_id"), table_name="community_follows")
    op.drop_index(op.f("ix_community_follows_post_id"), table_name="community_follows")
    op.drop_table("community_follows")
    op.drop_index("ix_community_posts_space_activity", table_name="community_posts")
    op.drop_index("ix_community_posts_author_created", table_name="community_posts")
    op.drop_index("ix_community_posts_account_created", table_name="community_posts")
    op.drop_table("community_posts")
    op.drop_table("community_members")
    op.drop_table("community_digests")
    op.drop_table("community_spaces")
