"""The help centre as customers use it: articles in their language (else the other), views
that count as their account's usage, "was this helpful?" votes, comments to the team and
searches, each search kept with how many articles it found."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.domain.search import fold
from kasasu.errors import InvalidInput, NotFound
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.fulltext.service import search
from kasasu.kit.i18n import _
from kasasu.kit.markdown import render_markdown
from kasasu.knowledge.repository import (
    ArticleRepository,
    CategoryRepository,
    CommentRepository,
    ReadingRepository,
    VoteRepository,
)
from kasasu.knowledge.schemas import (
    ARTICLE_KIND,
    ArticleFound,
    ArticleLink,
    ArticleSearch,
    Locale,
    Reader,
    ReaderArticle,
    ReaderCategory,
    VoteCount,
)
from kasasu.knowledge.service import title_of
from kasasu.models import Article, ArticleComment, ArticleView, ArticleVote, HelpSearch

VIEW_EVENT = "help_article_viewed"  # the usage event a contact's reading becomes
MAX_COMMENT = 4_000


def _other(locale: str) -> Locale:
    return "en" if locale == "ja" else "ja"


def _version(article: Article, locale: str) -> tuple[Locale, str, str]:
    """(language shown, title, Markdown) in ``locale`` when it has a title, else the other."""
    for lang in (locale if locale in ("ja", "en") else "en", _other(locale)):
        title = article.title_ja if lang == "ja" else article.title_en
        if title:
            body = article.body_ja if lang == "ja" else article.body_en
            return lang, title, body or ""  # type: ignore[return-value]  # "ja" or "en"
    return _other(locale), article.slug, ""


def _published(session: Session, slug: str) -> Article:
    row = ArticleRepository(session).by_slug(slug)
    if row is None or row.published_at is None:
        raise NotFound(_("No such article"))
    return row


def help_centre(session: Session, locale: str) -> list[ReaderCategory]:
    """The published articles by category (those without one last), in order."""
    articles = ArticleRepository(session).listed(None, published_only=True)
    categories = CategoryRepository(session).all()
    shown = [
        ReaderCategory(
            slug=c.slug,
            name=c.name_ja if locale == "ja" else c.name_en,
            articles=[_link(a, locale) for a in articles if a.category_id == c.id],
        )
        for c in categories
    ]
    loose = [_link(a, locale) for a in articles if a.category_id is None]
    if loose:
        shown.append(
            ReaderCategory(slug="", name=_("Other articles").render(locale), articles=loose)
        )
    return [c for c in shown if c.articles]


def _link(article: Article, locale: str) -> ArticleLink:
    return ArticleLink(slug=article.slug, title=title_of(article, locale))


def read_article(session: Session, slug: str, locale: str) -> ReaderArticle:
    """The published article ``slug`` in ``locale``, else in the other language."""
    row = _published(session, slug)
    lang, title, markdown = _version(row, locale)
    repo = ArticleRepository(session)
    related_ids = repo.related_ids([row.id]).get(row.id, [])
    related = repo.many(related_ids)
    category = CategoryRepository(session).get(row.category_id) if row.category_id else None
    return ReaderArticle(
        id=row.id,
        slug=row.slug,
        locale=lang,
        fallback=lang != locale,
        title=title,
        html=render_markdown(markdown),
        category=(category.name_ja if locale == "ja" else category.name_en) if category else None,
        category_slug=category.slug if category else None,
        related=[
            _link(related[r], locale)
            for r in related_ids
            if r in related and related[r].published_at is not None
        ],
        updated_at=row.updated_at,
    )


def record_view(
    session: Session, article_id: int, reader: Reader, locale: str, now: datetime
) -> EventIn | None:
    """Count one reading; a known contact's is also their account's usage event, returned
    for :func:`store_view_events` to write once the transaction has committed."""
    known = ReadingRepository(session).account_of(reader.contact_id) if reader.contact_id else None
    view = ArticleView(
        article_id=article_id,
        contact_id=reader.contact_id if known else None,
        account_id=known[0] if known else None,
        locale=locale,
        viewed_at=now,
    )
    ReadingRepository(session).add(view)
    if known is None:
        return None
    slug = ArticleRepository(session).get(article_id)
    return EventIn.model_validate(
        {
            "event_id": f"kb-view:{view.id}",
            "account_id": known[1],
            "user_id": known[2],
            "event": VIEW_EVENT,
            "timestamp": now,
            "properties": {"article": slug.slug if slug else str(article_id), "locale": locale},
        }
    )


def store_view_events(events_path: Path, events: list[EventIn]) -> int:
    """Write views as usage events (after the views' transaction: the event store is a
    separate file, and a write waits for the batches gathered with it)."""
    return ingest_batch(events_path, events).inserted if events else 0


def vote(session: Session, slug: str, reader: Reader, now: datetime, *, helpful: bool) -> VoteCount:
    """The reader's "was this helpful?": one per contact, else per browser; voting again
    changes the answer, never adds one."""
    article = _published(session, slug)
    if reader.contact_id is None and not reader.visitor:
        raise InvalidInput(_("A vote needs a signed-in contact or a browser session"))
    repo = VoteRepository(session)
    row = repo.of(article.id, reader.contact_id, reader.visitor)
    if row is None:
        visitor = None if reader.contact_id else reader.visitor
        row = ArticleVote(article_id=article.id, contact_id=reader.contact_id, visitor=visitor)
        session.add(row)
    row.helpful = helpful
    row.voted_at = now
    session.flush()
    _views, yes, no, _comments = ArticleRepository(session).counts([article.id])[article.id]
    return VoteCount(helpful=yes, not_helpful=no)


def my_vote(session: Session, slug: str, reader: Reader) -> bool | None:
    article = _published(session, slug)
    if reader.contact_id is None and not reader.visitor:
        return None
    row = VoteRepository(session).of(article.id, reader.contact_id, reader.visitor)
    return row.helpful if row else None


def comment(session: Session, slug: str, text: str, reader: Reader, locale: str) -> None:
    """A reader's note to the team (never shown to other readers)."""
    article = _published(session, slug)
    text = text.strip()
    if not text or len(text) > MAX_COMMENT:
        raise InvalidInput(_("A comment has 1 to {n} characters", n=MAX_COMMENT))
    CommentRepository(session).add(
        ArticleComment(
            article_id=article.id, contact_id=reader.contact_id, body=text, locale=locale
        )
    )


def search_help(
    session: Session,
    query: str,
    locale: str,
    reader: Reader,
    now: datetime,
    *,
    record: bool = True,
) -> ArticleSearch:
    """Published articles holding every word of ``query``, best first (the first 20); the
    search is kept with its number of results for the "searched, not found" report unless
    ``record`` is False (its reader is past their limit)."""
    query = query.strip()
    found = search(session, ARTICLE_KIND, query, language=locale, limit=20)
    if query and record:
        known = (
            ReadingRepository(session).account_of(reader.contact_id) if reader.contact_id else None
        )
        ReadingRepository(session).add_search(
            HelpSearch(
                query=query,
                folded=fold(query)[:200],
                results=found.total,
                locale=locale,
                contact_id=reader.contact_id if known else None,
                account_id=known[0] if known else None,
                searched_at=now,
            )
        )
    slugs = ArticleRepository(session).many([h.ref_id for h in found.hits])
    return ArticleSearch(
        query=query,
        total=found.total,
        hits=[
            ArticleFound(
                slug=slugs[h.ref_id].slug,
                title_html=h.title_html,
                snippet_html=h.snippet_html,
                locale=h.language,
            )
            for h in found.hits
            if h.ref_id in slugs
        ],
    )
