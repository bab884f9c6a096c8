"""Renewals as SQL: each (line, renewal date) in the window — the current term's end of a
paying line, or a renewal already recorded — with its account, outcome and latest health."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from kasasu.domain.choices import ForecastStatus, RenewalOutcome, SubscriptionStatus
from kasasu.models import Account, HealthScore, Renewal, RenewalForecast, Subscription
from kasasu.renewals.schemas import RenewalQuery
from kasasu.subscriptions.sql import line_mrr, term_months

_ORDER = {"renewal_date": "day", "mrr": "mrr", "health": "health_score"}


class Totals(NamedTuple):
    renewals: int
    accounts: int
    decided: int
    mrr: int
    missing: dict[str, int]


class WindowTotals(NamedTuple):
    """Renewals of a window and of its first part ("soon"), for one owner."""

    renewals: int
    renewals_soon: int
    accounts: int
    accounts_soon: int
    mrr: int
    mrr_soon: int


class RenewalBoardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matching(self, query: RenewalQuery, fx: Mapping[str, float]) -> Select[Any]:
        """One row per renewal the query matches, with every column the board shows."""
        s, a = Subscription, Account
        ev = _events(query, monthly=query.include_monthly)
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
                line_mrr(self.session, fx).label("mrr"),
                line_mrr(self.session, None).label("own_mrr"),
                s.cancelled_on,
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

    def is_renewal(self, subscription_id: int, day: date) -> bool | None:
        """Whether ``day`` is a renewal date of the line (its term's end, or one recorded);
        None when the line does not exist."""
        line = self.session.get(Subscription, subscription_id)
        if line is None:
            return None
        recorded = self.session.scalar(
            select(Renewal.id).where(
                Renewal.subscription_id == subscription_id, Renewal.renewal_date == day
            )
        )
        return line.end_date == day or recorded is not None

    def every(self, query: RenewalQuery, fx: Mapping[str, float]) -> list[Any]:
        """Every renewal the query matches, in date order (the forecast adds them all up)."""
        sub = self.matching(query, fx).subquery()
        return list(self.session.execute(select(sub).order_by(sub.c.day, sub.c.subscription_id)))

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

    def totals(self, query: RenewalQuery, fx: Mapping[str, float]) -> Totals:
        """Counts and MRR over every matching renewal, in one pass per currency: MRR in the
        reporting currency, and per currency without a rate its MRR in its own minor units."""
        sub = self.matching(query, fx).subquery()
        stmt = (
            select(
                sub.c.currency,
                sa.func.count(),
                sa.func.count(sa.distinct(sub.c.account_id)),
                sa.func.count(sub.c.outcome),
                sa.func.sum(sub.c.mrr),
                sa.func.sum(sub.c.own_mrr),
            )
            .group_by(sub.c.currency)
            .order_by(sub.c.currency)
        )
        rows = list(self.session.execute(stmt))
        accounts = sum(int(r[2]) for r in rows)
        if len(rows) > 1:  # an account may renew in two currencies
            distinct = select(sa.func.count(sa.distinct(sub.c.account_id)))
            accounts = int(self.session.scalar(distinct) or 0)
        return Totals(
            renewals=sum(int(r[1]) for r in rows),
            accounts=accounts,
            decided=sum(int(r[3]) for r in rows),
            mrr=sum(int(r[4] or 0) for r in rows),
            missing={r[0]: int(r[5]) for r in rows if r[4] is None},
        )

    def two_windows(
        self, query: RenewalQuery, fx: Mapping[str, float], soon: date
    ) -> tuple[dict[Any, WindowTotals], dict[str, tuple[int, int]]]:
        """Over every renewal the query matches, and over those on or before ``soon``: per
        account owner (None: unowned) the renewals, accounts and MRR in the reporting
        currency; and per currency without a rate, its MRR in its own minor units (all,
        soon). Two queries, whatever the number of owners."""
        sub = self.matching(query, fx).subquery()
        near = sub.c.day <= soon
        stmt = select(
            sub.c.owner_id,
            sa.func.count(),
            sa.func.count(sa.case((near, 1))),
            sa.func.count(sa.distinct(sub.c.account_id)),
            sa.func.count(sa.distinct(sa.case((near, sub.c.account_id)))),
            sa.func.sum(sub.c.mrr),
            sa.func.sum(sa.case((near, sub.c.mrr))),
        ).group_by(sub.c.owner_id)
        owners = {
            row[0]: WindowTotals(*(int(v or 0) for v in row[1:]))
            for row in self.session.execute(stmt)
        }
        unrated = (
            select(
                sub.c.currency,
                sa.func.sum(sub.c.own_mrr),
                sa.func.sum(sa.case((near, sub.c.own_mrr))),
            )
            .where(sub.c.mrr.is_(None))
            .group_by(sub.c.currency)
        )
        missing = {str(c): (int(a or 0), int(n or 0)) for c, a, n in self.session.execute(unrated)}
        return owners, missing


def _events(query: RenewalQuery, *, monthly: bool) -> Any:
    s, r = Subscription, Renewal
    due = select(s.id.label("sub_id"), s.end_date.label("day")).where(
        # Billing cycles left out before the joins (half the lines at 20,000 accounts).
        sa.true() if monthly else term_months() > 1,
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


class ForecastRepository:
    """The CSMs' forecast calls, every change a row, and what renewals brought in history."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, values: Mapping[str, Any]) -> RenewalForecast:
        row = RenewalForecast(**values)
        self.session.add(row)
        self.session.flush()
        return row

    def calls(
        self, first: date, last: date, before: datetime | None = None
    ) -> dict[tuple[int, date], RenewalForecast]:
        """The call standing on each renewal dated ``first``–``last``: the latest made
        (before ``before`` if given); a call taken back stands as a row without a status."""
        f = RenewalForecast
        stmt = select(f).where(f.renewal_date >= first, f.renewal_date <= last)
        if before is not None:
            stmt = stmt.where(f.set_at < before)
        found: dict[tuple[int, date], RenewalForecast] = {}
        for row in self.session.scalars(stmt.order_by(f.set_at, f.id)):
            found[row.subscription_id, row.renewal_date] = row
        return found

    def standing_at_renewal(
        self, first: date, last: date
    ) -> dict[tuple[int, date], ForecastStatus | None]:
        """The call standing on each renewal dated ``first``–``last`` when its day began
        (UTC): the latest made before it, if any."""
        f = RenewalForecast
        stmt = (
            select(f.subscription_id, f.renewal_date, f.status, f.set_at)
            .where(f.renewal_date >= first, f.renewal_date <= last)
            .order_by(f.set_at, f.id)
        )
        found: dict[tuple[int, date], ForecastStatus | None] = {}
        for line, day, status, made in self.session.execute(stmt):
            if made < datetime.combine(day, time(), UTC):
                found[line, day] = status
        return found

    def outcomes(
        self, first: date, last: date, fx: Mapping[str, float]
    ) -> list[tuple[int, date, RenewalOutcome, int | None, int | None]]:
        """(line, renewal date, outcome, MRR of the line renewed, MRR of its new version if
        any) per renewal recorded with a date ``first``–``last``, MRR in the reporting
        currency."""
        r = Renewal
        rows = list(
            self.session.execute(
                select(r.subscription_id, r.renewal_date, r.outcome, r.new_subscription_id).where(
                    r.renewal_date >= first, r.renewal_date <= last
                )
            )
        )
        ids = {i for old, _d, _o, new in rows for i in (old, new) if i is not None}
        mrr: dict[int, int | None] = {}
        if ids:
            stmt = select(Subscription.id, line_mrr(self.session, fx)).where(
                Subscription.id.in_(ids)
            )
            mrr = {i: None if m is None else int(m) for i, m in self.session.execute(stmt)}
        return [
            (old, day, outcome, mrr.get(old), None if new is None else mrr.get(new))
            for old, day, outcome, new in rows
        ]
