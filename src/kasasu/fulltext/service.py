"""Full-text search in Japanese and English, shared by every slice that has things to find
(the knowledge base's articles; the community's posts).

The interface is three calls on the caller's session (they flush, never commit):

- :func:`index_document` (kind, id; language, title, plain text, listed): add or replace
  what a thing says in one language; call it whenever the thing is saved.
- :func:`remove_document` (kind, id): forget a thing (every language, or some).
- :func:`search` (kind, query): the things of that kind holding every word of the query,
  best first, with highlighted titles and passages, paged, with the total.

``kind`` is the caller's own name for its things (``"article"``, ``"post"``): searches never
mix kinds. ``listed`` says whether customers may find the thing (a draft, a hidden post may
not); staff search with ``listed_only=False``. Words are compared in their dictionary forms
(kasasu.fulltext.terms): 請求書 is found in 請求書の発行, 発行した finds 発行する, "exported"
finds "export".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.fulltext.repository import SearchDocumentRepository
from kasasu.fulltext.schemas import SearchHit, SearchResults
from kasasu.fulltext.terms import highlight, joined, query_terms, terms
from kasasu.kit.i18n import _
from kasasu.models import SearchDocument

MAX_QUERY = 200  # characters of a query; a longer one is refused, not cut
MAX_TERMS = 16  # words of a query; past them a query says nothing more


def index_document(
    session: Session,
    kind: str,
    ref_id: int,
    *,
    language: str,
    title: str,
    body: str,
    listed: bool = True,
) -> None:
    """Make ``kind`` #``ref_id`` in ``language`` findable by its title and ``body`` (plain
    text: what a reader sees), replacing what was indexed for it in that language."""
    repo = SearchDocumentRepository(session)
    row = next((d for d in repo.find(kind, ref_id) if d.language == language), None)
    if row is None:
        row = SearchDocument(kind=kind, ref_id=ref_id, language=language)
    row.listed = listed
    row.title = title
    row.body = body
    row.title_terms = joined(terms(title))
    row.body_terms = joined(terms(body))
    repo.save(row)


def remove_document(
    session: Session, kind: str, ref_id: int, languages: Sequence[str] | None = None
) -> None:
    """Forget ``kind`` #``ref_id`` (in ``languages`` only, when given)."""
    SearchDocumentRepository(session).remove(
        kind, ref_id, list(languages) if languages is not None else None
    )


def search(
    session: Session,
    kind: str,
    query: str,
    *,
    language: str | None = None,
    listed_only: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The things of ``kind`` holding every word of ``query``, best first. ``language``
    (the reader's) picks which version of a thing found in two is shown."""
    if len(query) > MAX_QUERY:
        raise InvalidInput(_("A search has at most {n} characters", n=MAX_QUERY))
    wanted = query_terms(query)[:MAX_TERMS]
    if not wanted:
        return SearchResults(query=query, terms=[], total=0, hits=[])
    total, found = SearchDocumentRepository(session).search(
        kind, wanted, listed_only=listed_only, language=language, limit=limit, offset=offset
    )
    hits = [
        SearchHit(
            ref_id=m.ref_id,
            language=m.language,
            title_html=highlight(m.title, wanted, width=len(m.title) or 1),
            snippet_html=highlight(m.body, wanted),
            score=m.score,
        )
        for m in found
    ]
    return SearchResults(query=query, terms=wanted, total=total, hits=hits)
