"""Queries of comment analysis: answers with comments, cancellations, their accounts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kasasu.models import Account, Subscription, SurveyResponse


def scored_answers(
    session: Session,
    kind: str,
    start: datetime | None,
    end: datetime | None,
    *,
    account_ids: Sequence[int] | None = None,
    plan: str | None = None,
    campaign: str | None = None,
) -> list[tuple[int, str | None]]:
    """(score, comment) of the answers of ``kind`` given in [start, end)."""
    r = SurveyResponse
    stmt = select(r.score, r.comment).where(r.kind == kind)
    if start is not None:
        stmt = stmt.where(r.answered_at >= start)
    if end is not None:
        stmt = stmt.where(r.answered_at < end)
    if account_ids is not None:
        stmt = stmt.where(r.account_id.in_(account_ids))
    if plan is not None:
        stmt = stmt.join(Account, Account.id == r.account_id).where(Account.plan == plan)
    if campaign is not None:
        stmt = stmt.where(r.campaign == campaign)
    return [(score, comment) for score, comment in session.execute(stmt)]


def survey_comments(
    session: Session,
    *,
    kind: str | None,
    start: datetime | None,
    end: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Any]:
    """Answers with a comment, newest first, after the (answered_at, id) key ``after``."""
    r = SurveyResponse
    stmt = (
        select(r.id, r.account_id, Account.name, r.kind, r.score, r.comment, r.answered_at)
        .join(Account, Account.id == r.account_id)
        .where(r.comment.is_not(None), r.comment != "")
    )
    if kind is not None:
        stmt = stmt.where(r.kind == kind)
    if start is not None:
        stmt = stmt.where(r.answered_at >= start)
    if end is not None:
        stmt = stmt.where(r.answered_at < end)
    if after is not None:
        at, row_id = after
        stmt = stmt.where(or_(r.answered_at < at, and_(r.answered_at == at, r.id < row_id)))
    stmt = stmt.order_by(r.answered_at.desc(), r.id.desc()).limit(limit)
    return list(session.execute(stmt))


def cancellation_comments(
    session: Session,
    *,
    first: date | None,
    last: date | None,
    after: tuple[date, int] | None,
    limit: int,
) -> list[Any]:
    """Cancelled lines with a comment, latest first, after the (cancelled_on, id) key."""
    s = Subscription
    stmt = (
        select(s.id, s.account_id, Account.name, s.cancel_reason, s.cancel_comment, s.cancelled_on)
        .join(Account, Account.id == s.account_id)
        .where(s.cancelled_on.is_not(None), s.cancel_comment.is_not(None), s.cancel_comment != "")
    )
    if first is not None:
        stmt = stmt.where(s.cancelled_on >= first)
    if last is not None:
        stmt = stmt.where(s.cancelled_on <= last)
    if after is not None:
        day, row_id = after
        stmt = stmt.where(or_(s.cancelled_on < day, and_(s.cancelled_on == day, s.id < row_id)))
    stmt = stmt.order_by(s.cancelled_on.desc(), s.id.desc()).limit(limit)
    return list(session.execute(stmt))


def last_cancellations(
    session: Session, account_ids: Sequence[int], by: date
) -> dict[int, tuple[str | None, str | None]]:
    """(reason, comment) of each account's line cancelled last on or before ``by`` (ties:
    the later row): the line whose reason the churn-by-reason KPI gives the account."""
    if not account_ids:
        return {}
    s = Subscription
    stmt = (
        select(s.account_id, s.cancel_reason, s.cancel_comment)
        .where(s.account_id.in_(account_ids), s.cancelled_on.is_not(None), s.cancelled_on <= by)
        .order_by(s.account_id, s.cancelled_on.desc(), s.id.desc())
    )
    found: dict[int, tuple[str | None, str | None]] = {}
    for account_id, reason, comment in session.execute(stmt):
        if account_id not in found:
            found[account_id] = (reason.value if reason else None, comment)
    return found
