"""The knowledge base's shapes: articles and categories as staff write them, an article as
a reader sees it, and the reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from kasasu.kit.types import INPUT_CONFIG, READ_CONFIG, RowId

LOCALES = ("ja", "en")  # the languages an article is written in (kasasu.kit.i18n.LOCALES)
Locale = Literal["ja", "en"]
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,119}$"),
    Field(description="Lowercase letters, digits and hyphens: the article's stable address"),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Body = Annotated[str, StringConstraints(max_length=100_000)]
CategoryName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
ARTICLE_KIND = "article"  # the knowledge base's kind of search document (kasasu.fulltext)


class CategoryCreate(BaseModel):
    model_config = INPUT_CONFIG

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
    name_ja: CategoryName
    name_en: CategoryName
    position: int = Field(default=0, ge=0, le=10_000)


class CategoryRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    slug: str
    name_ja: str
    name_en: str
    position: int


class ArticleCreate(BaseModel):
    """A new article: a title in at least one language; a version without a title is not
    shown (the reader gets the other language)."""

    model_config = INPUT_CONFIG

    slug: Slug
    category_id: RowId | None = None
    title_ja: Title | None = None
    title_en: Title | None = None
    body_ja: Body | None = Field(default=None, description="Markdown")
    body_en: Body | None = Field(default=None, description="Markdown")
    position: int = Field(default=0, ge=0, le=10_000)
    published: bool = False
    related: list[RowId] = Field(default=[], max_length=20, description="Related article ids")


class ArticleUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = INPUT_CONFIG

    slug: Slug | None = None
    category_id: RowId | None = None
    title_ja: Title | None = None
    title_en: Title | None = None
    body_ja: Body | None = None
    body_en: Body | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    published: bool | None = None
    related: list[RowId] | None = Field(default=None, max_length=20)


class ArticleRead(BaseModel):
    id: int
    slug: str
    url: str = Field(description="The reader's page: /help/articles/{slug}")
    category_id: int | None
    title_ja: str | None
    title_en: str | None
    body_ja: str | None
    body_en: str | None
    position: int
    published: bool
    published_at: datetime | None
    related: list[int]
    created_at: datetime
    updated_at: datetime


class ArticleRow(BaseModel):
    """An article in the staff list, with what readers did with it."""

    id: int
    slug: str
    title: str = Field(description="In the reader's language, else the other")
    category_id: int | None
    published: bool
    views: int
    helpful: int = Field(description='"Yes" votes')
    not_helpful: int = Field(description='"No" votes')
    comments_open: int = Field(description="Comments to the team not yet dealt with")
    updated_at: datetime


class ArticleList(BaseModel):
    total: int
    items: list[ArticleRow]


class ArticleLink(BaseModel):
    slug: str
    title: str


class ReaderArticle(BaseModel):
    """An article as a reader sees it: in their language, else the other one (``locale``
    says which is shown), its Markdown already sanitised."""

    id: int
    slug: str
    locale: Locale
    fallback: bool = Field(description="Shown in the other language: none in the reader's")
    title: str
    html: str
    category: str | None
    category_slug: str | None
    related: list[ArticleLink]
    updated_at: datetime


class ReaderCategory(BaseModel):
    slug: str
    name: str
    articles: list[ArticleLink]


class ArticleFound(BaseModel):
    slug: str
    title_html: str
    snippet_html: str
    locale: str


class ArticleSearch(BaseModel):
    query: str
    total: int
    hits: list[ArticleFound]


class Reader(BaseModel):
    """Who reads: a signed-in portal contact (counted for their account), else a browser
    (``visitor``, a random id kept in its session) or nobody known."""

    contact_id: int | None = None
    visitor: str | None = None


class CommentRead(BaseModel):
    model_config = READ_CONFIG

    id: int
    article_id: int
    contact_id: int | None
    body: str
    locale: str
    created_at: datetime
    resolved_at: datetime | None


class VoteCount(BaseModel):
    helpful: int
    not_helpful: int


class NotFoundSearch(BaseModel):
    """A question asked in the help centre that found nothing (folded: the same question
    typed in other widths or cases is one row)."""

    query: str = Field(description="As last typed")
    searches: int = Field(description="Times asked in the period")
    without_results: int = Field(description="Times it found no article")
    last_results: int = Field(description="Articles found the last time")
    last_searched: datetime


class NotFoundReport(BaseModel):
    since: datetime
    until: datetime
    searches: int = Field(description="Every search of the period")
    without_results: int = Field(description="Searches that found no article")
    questions: int = Field(description="Distinct questions that found nothing at least once")
    rows: list[NotFoundSearch] = Field(description="Most often unanswered first (the first 200)")


class ViewedBeforeTicket(BaseModel):
    """An article read by a contact of an account in the days before one of that
    account's tickets was opened."""

    article_id: int
    slug: str
    title: str
    tickets: int = Field(description="Tickets opened after it was read")
    accounts: int


class TicketAfterViewing(BaseModel):
    ticket_id: int
    subject: str
    account_id: int
    account_name: str
    opened_at: datetime
    articles: list[str] = Field(description="Titles of the articles read before it")


class BeforeTicketReport(BaseModel):
    since: datetime
    until: datetime
    days: int = Field(description="How many days before a ticket a reading counts")
    tickets: int = Field(description="Tickets opened in the period")
    tickets_after_reading: int = Field(description="Those opened after reading an article")
    articles: list[ViewedBeforeTicket] = Field(description="Most tickets first")
    recent: list[TicketAfterViewing] = Field(description="The newest such tickets")
