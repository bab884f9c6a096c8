"""knowledge base: articles (ja/en), categories, votes, comments, views, searches; and the
full-text search documents every searchable kind shares

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05

search_documents holds each document's words already cut into dictionary forms
(kasasu.fulltext.terms). SQLite indexes them in an FTS5 table kept in step by triggers (an
external-content table: the words are stored once, in search_documents); PostgreSQL in the
``vector`` column (to_tsvector('simple', …), title weighted A, body B) under a GIN index,
written by kasasu.fulltext.repository.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kasasu.models.base

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = kasasu.models.base.UTCDateTime()
VECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
FTS = "search_documents_fts"  # kasasu.models.search.SQLITE_FTS_TABLE when this was written
# SQLite's own recipe for an external-content FTS5 table (sqlite.org/fts5.html §4.4.3): the
# words are stored once, in search_documents, and the triggers keep the index in step.
_SQLITE = (
    """CREATE VIRTUAL TABLE search_documents_fts USING fts5(
        title_terms, body_terms, content='search_documents', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_documents_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_documents_fts(search_documents_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER search_documents_fts_update AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_documents_fts(search_documents_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_documents_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
)
_TABLES = (
    "knowledge_votes",
    "knowledge_views",
    "knowledge_searches",
    "knowledge_comments",
    "knowledge_related",
    "knowledge_articles",
    "search_documents",
    "knowledge_categories",
)


def upgrade() -> None:
    op.create_table(
        "knowledge_categories",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_ja", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_knowledge_categories_slug")),
    )
    op.create_table(
        "search_documents",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.Column("vector", VECTOR, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint(
            "kind", "ref_id", "language", name=op.f("uq_search_documents_kind_ref_id_language")
        ),
    )
    op.create_index(
        "ix_search_documents_vector",
        "search_documents",
        ["vector"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_table(
        "knowledge_articles",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("category_id", ID, nullable=True),
        sa.Column("title_ja", sa.String(length=300), nullable=True),
        sa.Column("title_en", sa.String(length=300), nullable=True),
        sa.Column("body_ja", sa.Text(), nullable=True),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("published_at", MOMENT, nullable=True),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "created_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column(
            "updated_at", MOMENT, server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_knowledge_articles_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["knowledge_categories.id"],
            name=op.f("fk_knowledge_articles_category_id_knowledge_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_knowledge_articles_slug")),
    )
    op.create_index(
        op.f("ix_knowledge_articles_category_id"),
        "knowledge_articles",
        ["category_id"],
        unique=False,
    )
    op.create_table(
        "knowledge_related",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("related_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_related_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_related_related_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_related")),
        sa.UniqueConstraint(
            "article_id", "related_id", name=op.f("uq_knowledge_related_article_id_related_id")
        ),
    )
    op.create_index(
        op.f("ix_knowledge_related_related_id"), "knowledge_related", ["related_id"], unique=False
    )
    op.create_table(
        "knowledge_comments",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_comments_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_knowledge_comments_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_comments")),
    )
    op.create_index(
        op.f("ix_knowledge_comments_article_id"), "knowledge_comments", ["article_id"], unique=False
    )
    op.create_table(
        "knowledge_searches",
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("searched_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_knowledge_searches_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_knowledge_searches_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_searches")),
    )
    op.create_index(
        op.f("ix_knowledge_searches_folded"), "knowledge_searches", ["folded"], unique=False
    )
    op.create_index(
        "ix_knowledge_searches_searched", "knowledge_searches", ["searched_at"], unique=False
    )
    op.create_table(
        "knowledge_views",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("viewed_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_knowledge_views_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_views_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_knowledge_views_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_views")),
    )
    op.create_index(
        "ix_knowledge_views_account_viewed",
        "knowledge_views",
        ["account_id", "viewed_at"],
        unique=False,
    )
    op.create_index("ix_knowledge_views_article", "knowledge_views", ["article_id"], unique=False)
    op.create_table(
        "knowledge_votes",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("visitor", sa.String(length=64), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("voted_at", MOMENT, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_votes_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_knowledge_votes_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_votes")),
        sa.UniqueConstraint(
            "article_id", "contact_id", name=op.f("uq_knowledge_votes_article_id_contact_id")
        ),
        sa.UniqueConstraint(
            "article_id", "visitor", name=op.f("uq_knowledge_votes_article_id_visitor")
        ),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    for table in _TABLES:
        op.drop_table(table)
