"""What the help centre does not answer: searches that found nothing, and articles read in
the days before the reader's company opened a ticket anyway."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _
from kasasu.knowledge.repository import ArticleRepository, ReadingRepository, TicketRow
from kasasu.knowledge.schemas import (
    BeforeTicketReport,
    NotFoundReport,
    NotFoundSearch,
    TicketAfterViewing,
    ViewedBeforeTicket,
)
from kasasu.knowledge.service import title_of
from kasasu.models import Article

UNANSWERED_SHOWN = 200  # questions listed; the report's counts cover them all
RECENT_TICKETS = 50
MAX_DAYS = 90


def _period(since: datetime, until: datetime) -> None:
    if until <= since:
        raise InvalidInput(_("The period must end after it starts"))


def not_found_report(session: Session, since: datetime, until: datetime) -> NotFoundReport:
    """Every search of [since, until): how many found nothing, and the questions that found
    nothing at least once, most often unanswered first."""
    _period(since, until)
    repo = ReadingRepository(session)
    searches, empty = repo.search_counts(since, until)
    questions, rows = repo.unanswered(since, until, UNANSWERED_SHOWN)
    return NotFoundReport(
        since=since,
        until=until,
        searches=searches,
        without_results=empty,
        questions=questions,
        rows=[
            NotFoundSearch(
                query=last.query,
                searches=asked,
                without_results=without,
                last_results=last.results,
                last_searched=last.searched_at,
            )
            for last, asked, without in rows
        ],
    )


def before_ticket_report(
    session: Session, since: datetime, until: datetime, days: int, locale: str
) -> BeforeTicketReport:
    """For the tickets opened in [since, until): those whose account had a contact read an
    article in the ``days`` days before (at or before the opening), and per article how many
    tickets and accounts followed its reading."""
    _period(since, until)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(_("Days before a ticket: 1 to {n}", n=MAX_DAYS))
    repo = ReadingRepository(session)
    tickets = repo.tickets(since, until)
    views: dict[int, list[tuple[int, datetime]]] = {}
    for account_id, article_id, at in repo.account_views(since - timedelta(days=days), until):
        views.setdefault(account_id, []).append((article_id, at))
    read_before: list[tuple[TicketRow, list[int]]] = []
    for ticket in tickets:
        window = ticket.opened_at - timedelta(days=days)
        seen = views.get(ticket.account_id, [])
        found = list(dict.fromkeys(a for a, at in seen if window <= at <= ticket.opened_at))
        if found:
            read_before.append((ticket, found))
    articles = ArticleRepository(session).many(
        sorted({a for _t, found in read_before for a in found})
    )
    return BeforeTicketReport(
        since=since,
        until=until,
        days=days,
        tickets=len(tickets),
        tickets_after_reading=len(read_before),
        articles=_per_article(read_before, articles, locale),
        recent=[
            TicketAfterViewing(
                ticket_id=t.id,
                subject=t.subject,
                account_id=t.account_id,
                account_name=t.account_name,
                opened_at=t.opened_at,
                articles=[title_of(articles[a], locale) for a in found if a in articles],
            )
            for t, found in reversed(read_before[-RECENT_TICKETS:])
        ],
    )


def _per_article(
    read_before: list[tuple[TicketRow, list[int]]], articles: dict[int, Article], locale: str
) -> list[ViewedBeforeTicket]:
    """Per article read before a ticket: how many tickets and accounts followed, most
    tickets first."""
    tickets: dict[int, set[int]] = {}
    accounts: dict[int, set[int]] = {}
    for ticket, found in read_before:
        for a in found:
            tickets.setdefault(a, set()).add(ticket.id)
            accounts.setdefault(a, set()).add(ticket.account_id)
    rows = [
        ViewedBeforeTicket(
            article_id=a,
            slug=articles[a].slug,
            title=title_of(articles[a], locale),
            tickets=len(tickets[a]),
            accounts=len(accounts[a]),
        )
        for a in tickets
        if a in articles
    ]
    rows.sort(key=lambda r: (-r.tickets, -r.accounts, r.article_id))
    return rows
