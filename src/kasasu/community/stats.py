"""The community's numbers for the team (active members, threads, answered rate, time to
first answer, top contributors, unanswered questions) and the facts its playbook
triggers read (questions left unanswered, contacts' first posts)."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy.orm import Session

from kasasu.advocacy.service import advocates
from kasasu.community.reading import list_posts
from kasasu.community.schemas import CommunityStats, Contributor
from kasasu.community.stats_repository import CommunityStatsRepository
from kasasu.domain.community import engagement_points

TOP = 10  # contributors listed
UNANSWERED_LISTED = 100  # the unanswered questions listed (the total is always given)


def community_stats(
    session: Session, start: datetime, end: datetime, locale: str
) -> CommunityStats:
    """The numbers of [start, end); the unanswered questions are every visible one now."""
    repo = CommunityStatsRepository(session)
    posts, replies, questions, answered = repo.counts(start, end)
    delays = [(b - a).total_seconds() / 3600 for a, b in repo.first_answer_delays(start, end)]
    return CommunityStats(
        start=start,
        end=end,
        active_members=repo.active_members(start, end),
        posts=posts,
        replies=replies,
        questions=questions,
        answered=answered,
        answered_rate=answered / questions if questions else None,
        median_first_answer_hours=round(median(delays), 1) if delays else None,
        top_contributors=top_contributors(session, start, end),
        unanswered=list_posts(
            session, locale, unanswered=True, staff=True, size=UNANSWERED_LISTED
        ).items,
    )


def top_contributors(
    session: Session, start: datetime, end: datetime, limit: int = TOP
) -> list[Contributor]:
    """The contacts with the most engagement points in the window (domain.community), the
    ones already on the advocates list marked."""
    known = {a.contact_id for a in advocates(session)}
    rows = [
        Contributor(
            contact_id=contact, name=name, account_id=account_id, account=account,
            points=engagement_points(int(p), int(a), int(c), int(acc), int(x)),
            posts=int(p), answers=int(a), accepted=int(acc), advocate=contact in known,
        )
        for contact, name, account_id, account, p, a, c, acc, x in
        CommunityStatsRepository(session).contributions(start, end)
    ]  # fmt: skip
    rows.sort(key=lambda r: (-r.points, r.contact_id))
    return rows[:limit]


def unanswered_questions(
    session: Session, asked_before: datetime, asked_from: datetime
) -> list[tuple[int, int, int, str]]:
    """(account, post, asker, title) of customers' visible questions asked in
    [asked_from, asked_before) that nobody else has answered."""
    return [
        (int(a), int(p), int(c), str(t))
        for a, p, c, t in CommunityStatsRepository(session).unanswered(asked_before, asked_from)
    ]


def first_posts(
    session: Session, start: datetime, end: datetime
) -> list[tuple[int, int, int, str]]:
    """(account, contact, post, title) of contacts whose first thread was in [start, end)."""
    return [
        (int(a), int(c), int(p), str(t))
        for a, c, p, t in CommunityStatsRepository(session).first_posts(start, end)
    ]
