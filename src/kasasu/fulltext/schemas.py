"""What a full-text search gives back."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class Match:
    """A document the database found, best first (repository → service)."""

    ref_id: int
    language: str
    title: str
    body: str
    score: float


class SearchHit(BaseModel):
    ref_id: int = Field(description="The id of the found thing in its own table")
    language: str = Field(description="The language of the version that matched best")
    title_html: str = Field(description="The title, HTML-escaped, matched words in <mark>")
    snippet_html: str = Field(
        description="A passage of the text around the first matched word, HTML-escaped, "
        "matched words in <mark>"
    )
    score: float = Field(
        description="Relevance, higher first (BM25 on SQLite, ts_rank on PostgreSQL)"
    )


class SearchResults(BaseModel):
    query: str
    terms: list[str] = Field(description="The words searched for, in their dictionary forms")
    total: int = Field(description="Documents found (each counted once, whatever its languages)")
    hits: list[SearchHit]
