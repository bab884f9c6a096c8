"""Writing the knowledge base: categories and articles (each saved article is indexed for
search in each language it has), and the team's side of comments."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.fulltext.schemas import SearchResults
from kasasu.fulltext.service import index_document, remove_document, search
from kasasu.kit.i18n import _
from kasasu.kit.markdown import plain_excerpt, render_markdown
from kasasu.knowledge.repository import (
    ArticleRepository,
    CategoryRepository,
    CommentRepository,
)
from kasasu.knowledge.schemas import (
    ARTICLE_KIND,
    ArticleCreate,
    ArticleList,
    ArticleRead,
    ArticleRow,
    ArticleUpdate,
    CategoryCreate,
    CategoryRead,
    CommentRead,
)
from kasasu.models import Article, ArticleCategory

ARTICLE_URL = "/help/articles/{slug}"  # the stable address guides, steps and mail link to


def article_url(slug: str) -> str:
    return ARTICLE_URL.format(slug=slug)


def list_categories(session: Session) -> list[CategoryRead]:
    return [CategoryRead.model_validate(c) for c in CategoryRepository(session).all()]


def create_category(session: Session, body: CategoryCreate) -> CategoryRead:
    repo = CategoryRepository(session)
    if repo.by_slug(body.slug) is not None:
        raise Conflict(_("A category with the address {slug} exists already", slug=body.slug))
    return CategoryRead.model_validate(repo.add(ArticleCategory(**body.model_dump())))


def delete_category(session: Session, category_id: int) -> None:
    """Its articles stay, without a category."""
    repo = CategoryRepository(session)
    row = repo.get(category_id)
    if row is None:
        raise NotFound(_("Category {id} does not exist", id=category_id))
    repo.delete(row)


def title_of(article: Article, locale: str) -> str:
    """The article's title in ``locale``, else in the other language, else its address."""
    first, other = (article.title_ja, article.title_en)[:: 1 if locale == "ja" else -1]
    return first or other or article.slug


def list_articles(session: Session, locale: str, category_id: int | None = None) -> ArticleList:
    """Every article (drafts too) with its views, votes and open comments."""
    repo = ArticleRepository(session)
    rows = repo.listed(category_id, published_only=False)
    counts = repo.counts([a.id for a in rows])
    items = [
        ArticleRow(
            id=a.id,
            slug=a.slug,
            title=title_of(a, locale),
            category_id=a.category_id,
            published=a.published_at is not None,
            views=counts[a.id][0],
            helpful=counts[a.id][1],
            not_helpful=counts[a.id][2],
            comments_open=counts[a.id][3],
            updated_at=a.updated_at,
        )
        for a in rows
    ]
    return ArticleList(total=len(items), items=items)


def _article(session: Session, article_id: int) -> Article:
    row = ArticleRepository(session).get(article_id)
    if row is None:
        raise NotFound(_("Article {id} does not exist", id=article_id))
    return row


def get_article(session: Session, article_id: int) -> ArticleRead:
    row = _article(session, article_id)
    related = ArticleRepository(session).related_ids([row.id]).get(row.id, [])
    return _read(row, related)


def _read(row: Article, related: list[int]) -> ArticleRead:
    return ArticleRead(
        id=row.id,
        slug=row.slug,
        url=article_url(row.slug),
        category_id=row.category_id,
        title_ja=row.title_ja,
        title_en=row.title_en,
        body_ja=row.body_ja,
        body_en=row.body_en,
        position=row.position,
        published=row.published_at is not None,
        published_at=row.published_at,
        related=related,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def create_article(
    session: Session, body: ArticleCreate, author_id: int | None = None
) -> ArticleRead:
    values = body.model_dump(exclude={"published", "related"})
    row = Article(**values, author_id=author_id)
    if body.published:
        row.published_at = datetime.now(UTC)
    _check(session, row, body.related)
    ArticleRepository(session).add(row)
    return _saved(session, row, body.related)


def update_article(session: Session, article_id: int, body: ArticleUpdate) -> ArticleRead:
    row = _article(session, article_id)
    repo = ArticleRepository(session)
    changes = body.model_dump(exclude_unset=True, exclude={"published", "related"})
    for name, value in changes.items():
        setattr(row, name, value)
    if body.published is not None and body.published != (row.published_at is not None):
        row.published_at = datetime.now(UTC) if body.published else None
    related = (
        body.related if body.related is not None else repo.related_ids([row.id]).get(row.id, [])
    )
    _check(session, row, related)
    session.flush()
    return _saved(session, row, related)


def _check(session: Session, row: Article, related: list[int]) -> None:
    """Refuse an article without any title, an address taken by another, a missing
    category and related articles that do not exist (or itself)."""
    errors: list[FieldError] = []
    if not (row.title_ja or row.title_en):
        errors.append(FieldError(("title_ja",), _("Give a title in Japanese or English"), None))
    other = ArticleRepository(session).by_slug(row.slug)
    if other is not None and other is not row:
        errors.append(FieldError(("slug",), _("Another article has this address"), row.slug))
    if row.category_id is not None and CategoryRepository(session).get(row.category_id) is None:
        errors.append(FieldError(("category_id",), _("No such category"), row.category_id))
    known = ArticleRepository(session).many(related)
    for n, rid in enumerate(related):
        if rid not in known or rid == row.id:
            errors.append(FieldError(("related", n), _("No such other article"), rid))
    if errors:
        raise InvalidInput(_("The article was not saved"), errors)


def _saved(session: Session, row: Article, related: list[int]) -> ArticleRead:
    ArticleRepository(session).set_related(row.id, list(dict.fromkeys(related)))
    index_article(session, row)
    return _read(row, list(dict.fromkeys(related)))


def index_article(session: Session, row: Article) -> None:
    """Make each language version findable (customers find published ones only)."""
    versions = {"ja": (row.title_ja, row.body_ja), "en": (row.title_en, row.body_en)}
    gone = [lang for lang, (title, _body) in versions.items() if not title]
    if gone:
        remove_document(session, ARTICLE_KIND, row.id, gone)
    for lang, (title, text) in versions.items():
        if title:
            index_document(
                session,
                ARTICLE_KIND,
                row.id,
                language=lang,
                title=title,
                body=plain_excerpt(text or "", length=1_000_000),
                listed=row.published_at is not None,
            )


def delete_article(session: Session, article_id: int) -> None:
    row = _article(session, article_id)
    remove_document(session, ARTICLE_KIND, row.id)
    ArticleRepository(session).delete(row)


def preview(markdown: str) -> str:
    """The article's Markdown as readers will see it (sanitised HTML)."""
    return render_markdown(markdown)


def staff_search(session: Session, query: str, locale: str) -> SearchResults:
    """Every article, drafts too, holding every word of ``query``."""
    return search(session, ARTICLE_KIND, query, language=locale, listed_only=False, limit=50)


def list_comments(session: Session, article_id: int) -> list[CommentRead]:
    _article(session, article_id)
    return [
        CommentRead.model_validate(c) for c in CommentRepository(session).of_article(article_id)
    ]


def resolve_comment(session: Session, comment_id: int) -> CommentRead:
    row = CommentRepository(session).get(comment_id)
    if row is None:
        raise NotFound(_("Comment {id} does not exist", id=comment_id))
    if row.resolved_at is None:
        row.resolved_at = datetime.now(UTC)
        session.flush()
    return CommentRead.model_validate(row)
