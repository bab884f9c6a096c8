"""The search documents' queries: the one place that knows SQLite's FTS5 and PostgreSQL's
full-text search apart.

A document matches when it holds every term of the query. SQLite ranks by BM25 with the
title's words weighing 5 times the body's; PostgreSQL by ts_rank with the title's words
weighted A (1.0) and the body's B (0.4). A thing indexed in two languages is found once, by
its best version (the reader's language first when both match).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    column,
    delete,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG as _REGCONFIG

from kasasu.db.repository import Repository
from kasasu.fulltext.schemas import Match
from kasasu.models import SearchDocument
from kasasu.models.search import SQLITE_FTS_TABLE

TITLE_WEIGHT = 5.0  # BM25's weight of a title word against a body word (SQLite)
_FTS = table(SQLITE_FTS_TABLE, column("rowid"), column("title_terms"), column("body_terms"))


class SearchDocumentRepository(Repository[SearchDocument]):
    model = SearchDocument

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def find(self, kind: str, ref_id: int) -> list[SearchDocument]:
        stmt = select(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.ref_id == ref_id
        )
        return list(self.session.scalars(stmt))

    def save(self, row: SearchDocument) -> None:
        """Insert or update ``row``; on PostgreSQL its vector is computed from its terms."""
        if self._postgres:
            row.vector = _weighted(row.title_terms, "A").op("||")(_weighted(row.body_terms, "B"))
        self.session.add(row)
        self.session.flush()

    def remove(self, kind: str, ref_id: int, languages: list[str] | None = None) -> None:
        stmt = delete(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.ref_id == ref_id
        )
        if languages is not None:
            stmt = stmt.where(SearchDocument.language.in_(languages))
        self.session.execute(stmt.execution_options(synchronize_session=False))

    def search(
        self,
        kind: str,
        terms: list[str],
        *,
        listed_only: bool,
        language: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[Match]]:
        """How many things hold every term, and a page of them, best first."""
        documents, total = self._count(kind, terms, listed_only)
        if total <= offset:
            return total, []
        # One version per thing: a thing matched in two languages needs the window that
        # picks one; when none is (a community's posts), the plain ranking is the answer.
        twice = documents > total
        matched = self._matched(kind, terms, listed_only, language, twice).subquery("matched")
        best = select(matched).where(matched.c.nth == 1).subquery("best") if twice else matched
        page = select(best).order_by(best.c.score.desc(), best.c.ref_id).limit(limit).offset(offset)
        return total, [
            Match(r.ref_id, r.language, r.title, r.body, float(r.score))
            for r in self.session.execute(page)
        ]

    def _count(self, kind: str, terms: list[str], listed_only: bool) -> tuple[int, int]:
        """The documents and the things (a thing has a document per language) holding every
        term: matched, not ranked (half a search's work when it was counted from the ranked
        versions)."""
        doc = SearchDocument
        conditions = [doc.kind == kind] + ([doc.listed.is_(True)] if listed_only else [])
        if self._postgres:
            query = func.plainto_tsquery(literal("simple").cast(_REGCONFIG), " ".join(terms))
            stmt = select(func.count(), func.count(doc.ref_id.distinct())).where(
                doc.vector.op("@@")(query), *conditions
            )
        else:
            # Materialised: the full-text index first, then the documents it names (SQLite
            # would otherwise probe the index once per document of the kind).
            hits = (
                select(_FTS.c.rowid)
                .where(text(f"{SQLITE_FTS_TABLE} MATCH :fts").bindparams(fts=_fts_query(terms)))
                .cte("hits")
                .prefix_with("MATERIALIZED")
            )
            stmt = (
                select(func.count(), func.count(doc.ref_id.distinct()))
                .join(hits, hits.c.rowid == doc.id)
                .where(*conditions)
            )
        documents, things = self.session.execute(stmt).one()
        return int(documents or 0), int(things or 0)

    def _matched(
        self, kind: str, terms: list[str], listed_only: bool, language: str | None, twice: bool
    ) -> Select[Any]:
        doc = SearchDocument
        if self._postgres:
            query = func.plainto_tsquery(literal("simple").cast(_REGCONFIG), " ".join(terms))
            score: ColumnElement[Any] = func.ts_rank(doc.vector, query)
            stmt = select(doc).where(doc.vector.op("@@")(query))
        else:
            # bm25() is lower for better matches; negated so both databases sort descending.
            # It is only allowed in a plain query of the FTS table: scored there, joined after.
            scored = (
                select(
                    _FTS.c.rowid,
                    (-func.bm25(literal_column(SQLITE_FTS_TABLE), TITLE_WEIGHT, 1.0)).label(
                        "score"
                    ),
                )
                .where(text(f"{SQLITE_FTS_TABLE} MATCH :fts").bindparams(fts=_fts_query(terms)))
                .cte("scored")
                .prefix_with("MATERIALIZED")
            )
            score = scored.c.score
            stmt = select(doc).join(scored, scored.c.rowid == doc.id)
        conditions = [doc.kind == kind] + ([doc.listed.is_(True)] if listed_only else [])
        columns: list[Any] = [
            doc.ref_id, doc.language, doc.title, doc.body, score.label("score")
        ]  # fmt: skip
        if twice:
            preferred = case((doc.language == (language or ""), 0), else_=1)
            nth = func.row_number().over(
                partition_by=doc.ref_id, order_by=(preferred, score.desc(), doc.id)
            )
            columns.append(nth.label("nth"))
        return stmt.with_only_columns(*columns).where(and_(*conditions))


def _weighted(words: str, weight: str) -> ColumnElement[Any]:
    """PostgreSQL's ``setweight(to_tsvector('simple', words), weight)``: words as they are
    (the 'simple' configuration neither stems nor drops any), marked with ``weight``."""
    vector = func.to_tsvector(literal("simple").cast(_REGCONFIG), words)
    return func.setweight(vector, literal_column(f"'{weight}'::\"char\""))  # A to D only


def _fts_query(terms: list[str]) -> str:
    """An FTS5 query holding every term, each quoted as a string (terms are letters and
    digits only, kasasu.fulltext.terms, so no quote needs doubling)."""
    return " AND ".join(f'"{term}"' for term in terms)
