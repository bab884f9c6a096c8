"""The knowledge base's queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select

from kasasu.db.repository import Repository
from kasasu.models import (
    Account,
    Article,
    ArticleCategory,
    ArticleComment,
    ArticleView,
    ArticleVote,
    Contact,
    HelpSearch,
    RelatedArticle,
    Ticket,
)


class TicketRow(NamedTuple):
    id: int
    subject: str
    account_id: int
    account_name: str
    opened_at: datetime


class CategoryRepository(Repository[ArticleCategory]):
    model = ArticleCategory

    def all(self) -> list[ArticleCategory]:
        stmt = select(ArticleCategory).order_by(ArticleCategory.position, ArticleCategory.id)
        return list(self.session.scalars(stmt))

    def by_slug(self, slug: str) -> ArticleCategory | None:
        stmt = select(ArticleCategory).where(ArticleCategory.slug == slug)
        return self.session.scalars(stmt).one_or_none()


class ArticleRepository(Repository[Article]):
    model = Article

    def by_slug(self, slug: str) -> Article | None:
        return self.session.scalars(select(Article).where(Article.slug == slug)).one_or_none()

    def listed(self, category_id: int | None, published_only: bool) -> list[Article]:
        stmt = select(Article).order_by(Article.position, Article.id)
        if category_id is not None:
            stmt = stmt.where(Article.category_id == category_id)
        if published_only:
            stmt = stmt.where(Article.published_at.is_not(None))
        return list(self.session.scalars(stmt))

    def many(self, ids: Sequence[int]) -> dict[int, Article]:
        if not ids:
            return {}
        rows = self.session.scalars(select(Article).where(Article.id.in_(list(ids))))
        return {a.id: a for a in rows}

    def related_ids(self, article_ids: Sequence[int]) -> dict[int, list[int]]:
        stmt = (
            select(RelatedArticle.article_id, RelatedArticle.related_id)
            .where(RelatedArticle.article_id.in_(list(article_ids)))
            .order_by(RelatedArticle.position, RelatedArticle.id)
        )
        found: dict[int, list[int]] = {}
        for article_id, related_id in self.session.execute(stmt):
            found.setdefault(article_id, []).append(related_id)
        return found

    def set_related(self, article_id: int, related: Sequence[int]) -> None:
        self.session.execute(delete(RelatedArticle).where(RelatedArticle.article_id == article_id))
        self.session.add_all(
            RelatedArticle(article_id=article_id, related_id=r, position=n)
            for n, r in enumerate(related)
        )
        self.session.flush()

    def counts(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int, int, int]]:
        """Article id → (views, yes votes, no votes, open comments)."""
        ids = list(article_ids)
        views = dict(
            self.session.execute(
                select(ArticleView.article_id, func.count())
                .where(ArticleView.article_id.in_(ids))
                .group_by(ArticleView.article_id)
            ).all()
        )
        votes: dict[tuple[int, bool], int] = {
            (a, h): c
            for a, h, c in self.session.execute(
                select(ArticleVote.article_id, ArticleVote.helpful, func.count())
                .where(ArticleVote.article_id.in_(ids))
                .group_by(ArticleVote.article_id, ArticleVote.helpful)
            )
        }
        comments = dict(
            self.session.execute(
                select(ArticleComment.article_id, func.count())
                .where(ArticleComment.article_id.in_(ids), ArticleComment.resolved_at.is_(None))
                .group_by(ArticleComment.article_id)
            ).all()
        )
        return {
            i: (views.get(i, 0), votes.get((i, True), 0), votes.get((i, False), 0),
                comments.get(i, 0))
            for i in ids
        }  # fmt: skip


class VoteRepository(Repository[ArticleVote]):
    model = ArticleVote

    def of(
        self, article_id: int, contact_id: int | None, visitor: str | None
    ) -> ArticleVote | None:
        stmt = select(ArticleVote).where(ArticleVote.article_id == article_id)
        if contact_id is not None:
            stmt = stmt.where(ArticleVote.contact_id == contact_id)
        else:
            stmt = stmt.where(ArticleVote.visitor == visitor, ArticleVote.contact_id.is_(None))
        return self.session.scalars(stmt).one_or_none()


class CommentRepository(Repository[ArticleComment]):
    model = ArticleComment

    def of_article(self, article_id: int) -> list[ArticleComment]:
        stmt = (
            select(ArticleComment)
            .where(ArticleComment.article_id == article_id)
            .order_by(ArticleComment.created_at.desc(), ArticleComment.id.desc())
        )
        return list(self.session.scalars(stmt))


class ReadingRepository(Repository[ArticleView]):
    """Views and searches, and who made them."""

    model = ArticleView

    def account_of(self, contact_id: int) -> tuple[int, str, str] | None:
        """The contact's (account id, account external id, contact external id)."""
        stmt = (
            select(Account.id, Account.external_id, Contact.external_id)
            .join(Contact, Contact.account_id == Account.id)
            .where(Contact.id == contact_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return (int(row[0]), row[1], row[2]) if row else None

    def add_search(self, row: HelpSearch) -> None:
        self.session.add(row)
        self.session.flush()

    def search_counts(self, since: datetime, until: datetime) -> tuple[int, int]:
        """(searches, searches without a result) of the period."""
        stmt = select(func.count(), func.count().filter(HelpSearch.results == 0)).where(
            HelpSearch.searched_at >= since, HelpSearch.searched_at < until
        )
        total, empty = self.session.execute(stmt).one()
        return int(total), int(empty)

    def unanswered(
        self, since: datetime, until: datetime, limit: int
    ) -> tuple[int, list[tuple[HelpSearch, int, int]]]:
        """How many questions (folded) found nothing at least once in the period, and the
        ``limit`` asked most often: (their last search, times asked, times without result)."""
        without = func.count().filter(HelpSearch.results == 0)
        grouped = (
            select(
                HelpSearch.folded,
                func.count().label("asked"),
                without.label("empty"),
                func.max(HelpSearch.id).label("last_id"),
            )
            .where(HelpSearch.searched_at >= since, HelpSearch.searched_at < until)
            .group_by(HelpSearch.folded)
            .having(without > 0)
        ).subquery()
        total = int(self.session.scalar(select(func.count()).select_from(grouped)) or 0)
        stmt = (
            select(HelpSearch, grouped.c.asked, grouped.c.empty)
            .join(grouped, grouped.c.last_id == HelpSearch.id)
            .order_by(grouped.c.empty.desc(), grouped.c.asked.desc(), HelpSearch.folded)
            .limit(limit)
        )
        return total, [(row, int(a), int(e)) for row, a, e in self.session.execute(stmt)]

    def tickets(self, since: datetime, until: datetime) -> list[TicketRow]:
        """(id, subject, account id, account name, opened at) of the tickets of the period."""
        stmt = (
            select(Ticket.id, Ticket.subject, Ticket.account_id, Account.name, Ticket.opened_at)
            .join(Account, Account.id == Ticket.account_id)
            .where(Ticket.opened_at >= since, Ticket.opened_at < until)
            .order_by(Ticket.opened_at, Ticket.id)
        )
        return [TicketRow(*r) for r in self.session.execute(stmt)]

    def account_views(self, since: datetime, until: datetime) -> list[tuple[int, int, datetime]]:
        """(account id, article id, viewed at) of the views by known contacts in the period."""
        stmt = (
            select(ArticleView.account_id, ArticleView.article_id, ArticleView.viewed_at)
            .where(
                ArticleView.account_id.is_not(None),
                ArticleView.viewed_at >= since,
                ArticleView.viewed_at < until,
            )
            .order_by(ArticleView.viewed_at)
        )
        return [(int(a or 0), int(b), c) for a, b, c in self.session.execute(stmt)]
