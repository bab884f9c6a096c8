"""Renewals as SQL: each (line, renewal date) in the window — the current term's end of a
paying line, or a renewal already recorded — with its account, outcome and latest health."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, aliased

from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from kasasu.models import Account, HealthScore, Renewal, Subscription
from kasasu.renewals.schemas import RenewalQuery
from kasasu.subscriptions.repository import LineMrrRepository

_ORDER = {"renewal_date": "day", "mrr": "mrr", "health": "health_score"}


def term_months() -> ColumnElement[int]:
    """A line's term in SQL, by ``BillingInterval.term``: as recorded, else one interval."""
    s = Subscription
    interval = sa.case(
        *((s.billing_interval == i, sa.literal(i.months)) for i in BillingInterval), else_=1
    )
    return sa.func.coalesce(s.term_months, interval)


class RenewalBoardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matching(self, query: RenewalQuery, fx: Mapping[str, float]) -> Select[Any]:
        """One row per renewal the query matches, with every column the board shows."""
        s, a = Subscription, Account
        ev = _events(query)
        latest = select(sa.func.max(HealthScore.as_of)).scalar_subquery()
        health = (
            select(HealthScore.account_id, HealthScore.score, HealthScore.band)
            .where(HealthScore.as_of == latest)
            .subquery("health")
        )
        r = aliased(Renewal)
        stmt = (
            select(
                ev.c.sub_id.label("subscription_id"),
                ev.c.day.label("day"),
                s.account_id,
                a.name.label("account_name"),
                a.owner_id,
                s.product,
                s.plan,
                term_months().label("term_months"),
                s.amount,
                s.currency,
                s.billing_interval,
                LineMrrRepository(self.session).converted(fx).label("mrr"),
                health.c.score.label("health_score"),
                health.c.band.label("health_band"),
                r.outcome,
                r.reason,
                r.comment,
            )
            .select_from(ev)
            .join(s, s.id == ev.c.sub_id)
            .join(a, a.id == s.account_id)
            .outerjoin(r, (r.subscription_id == ev.c.sub_id) & (r.renewal_date == ev.c.day))
            .outerjoin(health, health.c.account_id == s.account_id)
        )
        chosen: dict[Any, Any] = {
            a.owner_id: query.owner_id,
            health.c.band: query.band,
            s.product: query.product,
            s.plan: query.plan,
        }
        for column, value in chosen.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if query.decided is not None:
            stmt = stmt.where(r.id.is_not(None) if query.decided else r.id.is_(None))
        if not query.include_monthly:
            stmt = stmt.where(term_months() > 1)
        return stmt

    def page(self, query: RenewalQuery, fx: Mapping[str, float]) -> list[Any]:
        sub = self.matching(query, fx).subquery()
        key = sub.c[_ORDER[query.sort.lstrip("-")]]
        order = key.desc().nulls_last() if query.sort.startswith("-") else key.asc().nulls_last()
        stmt = (
            select(sub)
            .order_by(order, sub.c.day, sub.c.subscription_id)
            .limit(query.size)
            .offset((query.page - 1) * query.size)
        )
        return list(self.session.execute(stmt))

    def counts(self, query: RenewalQuery, fx: Mapping[str, float]) -> tuple[int, int, int]:
        """(renewals, accounts, decided) over every matching renewal."""
        sub = self.matching(query, fx).subquery()
        stmt = select(
            sa.func.count(),
            sa.func.count(sa.distinct(sub.c.account_id)),
            sa.func.count(sub.c.outcome),
        )
        total, accounts, decided = self.session.execute(stmt).one()
        return int(total), int(accounts), int(decided)

    def line_ids(self, query: RenewalQuery, fx: Mapping[str, float]) -> Select[Any]:
        """The matching lines' ids, as a subquery for the MRR total."""
        sub = self.matching(query, fx).subquery()
        return select(sub.c.subscription_id)


def _events(query: RenewalQuery) -> Any:
    s, r = Subscription, Renewal
    due = select(s.id.label("sub_id"), s.end_date.label("day")).where(
        s.end_date >= query.first,
        s.end_date <= query.last,
        s.status != SubscriptionStatus.TRIAL,
        s.amount > 0,
        # A churn recorded at the renewal cancels the line on that day: it stays listed.
        s.cancelled_on.is_(None) | (s.cancelled_on == s.end_date),
    )
    recorded = select(r.subscription_id, r.renewal_date).where(
        r.renewal_date >= query.first, r.renewal_date <= query.last
    )
    return sa.union(due, recorded).subquery("events")
