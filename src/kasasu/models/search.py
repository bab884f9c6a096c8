"""Full-text search documents (kasasu.fulltext): what one searchable thing says, and its
words as search compares them.

``title_terms`` and ``body_terms`` are the text already cut into words in their dictionary
forms (発行した → 発行 する, exported → export), one space between words, so the databases
need no Japanese tokenizer of their own. SQLite keeps them in an FTS5 table in step with this
one (migration 0035: an external-content table and three triggers); PostgreSQL keeps
``vector``, ``to_tsvector('simple', …)`` of them with the title weighted higher, under a GIN
index. On SQLite ``vector`` stays empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, IdType

# SQLite's FTS5 index of search_documents (a virtual table and its shadow tables, named
# after it): made by the migration, not a model, because SQLAlchemy cannot describe it.
SQLITE_FTS_TABLE = "search_documents_fts"
VectorType = Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocument(IdMixin, Base):
    """One searchable thing of a kind (a knowledge-base article, a community post) in one
    language; ``ref_id`` is its id in its own table. Only ``listed`` documents are shown to
    customers (a draft article, a hidden post are not)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "language"),
        Index("ix_search_documents_vector", "vector", postgresql_using="gin"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(IdType)
    language: Mapped[str] = mapped_column(String(8))  # "ja", "en", or "" when unknown
    listed: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str] = mapped_column(Text)  # as written: highlights are cut from it
    body: Mapped[str] = mapped_column(Text)  # plain text (Markdown's visible words)
    title_terms: Mapped[str] = mapped_column(Text)
    body_terms: Mapped[str] = mapped_column(Text)
    vector: Mapped[Any] = mapped_column(VectorType, nullable=True)
