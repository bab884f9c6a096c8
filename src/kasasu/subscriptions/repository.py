from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.domain.choices import InvoiceStatus
from kasasu.models import ExchangeRate, Invoice, Renewal, Subscription
from kasasu.subscriptions.sql import line_mrr


class SubscriptionRepository(Repository[Subscription]):
    model = Subscription
    sortable = ("id", "start_date", "end_date", "amount", "created_at", "updated_at")
    default_sort = "id"
    searchable = ("product", "plan", "external_id")

    def versions_of(self, external_ids: Iterable[str]) -> list[Subscription]:
        """The lines with these external ids and their versions (``<id>@<day>``)."""
        wanted = sorted(set(external_ids))
        if not wanted:
            return []
        versions = [Subscription.external_id.startswith(f"{i}@", autoescape=True) for i in wanted]
        stmt = select(Subscription).where(or_(Subscription.external_id.in_(wanted), *versions))
        return list(self.session.scalars(stmt))

    def of_account(self, account_id: int) -> list[Subscription]:
        stmt = select(Subscription).where(Subscription.account_id == account_id)
        return list(self.session.scalars(stmt.order_by(Subscription.id)))


class RenewalRepository(Repository[Renewal]):
    model = Renewal

    def of_account(self, account_id: int, limit: int) -> list[Renewal]:
        """The account's renewal decisions, the latest recorded first."""
        stmt = (
            select(Renewal)
            .join(Subscription, Subscription.id == Renewal.subscription_id)
            .where(Subscription.account_id == account_id)
            .order_by(Renewal.decided_at.desc(), Renewal.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def for_lines(self, pairs: list[tuple[int, date]]) -> dict[tuple[int, date], Renewal]:
        ids = sorted({sub_id for sub_id, _day in pairs})
        if not ids:
            return {}
        rows = self.session.scalars(select(Renewal).where(Renewal.subscription_id.in_(ids)))
        wanted = set(pairs)
        return {
            (r.subscription_id, r.renewal_date): r
            for r in rows
            if (r.subscription_id, r.renewal_date) in wanted
        }


class InvoiceRepository(Repository[Invoice]):
    model = Invoice

    def by_external_id(self, external_id: str) -> Invoice | None:
        return self.session.scalars(
            select(Invoice).where(Invoice.external_id == external_id)
        ).first()

    def failing(self, before: datetime) -> list[Invoice]:
        """Invoices whose collection had failed before ``before`` and that were not paid by
        then (void ones are not owed)."""
        stmt = (
            select(Invoice)
            .where(
                Invoice.failed_at < before,
                (Invoice.paid_at.is_(None)) | (Invoice.paid_at >= before),
                Invoice.status != InvoiceStatus.VOID,
            )
            .order_by(Invoice.account_id, Invoice.failed_at)
        )
        return list(self.session.scalars(stmt))


class ExchangeRateRepository(Repository[ExchangeRate]):
    model = ExchangeRate

    def get_for(self, day: object, currency: str, quote_currency: str) -> ExchangeRate | None:
        stmt = select(ExchangeRate).where(
            ExchangeRate.day == day,
            ExchangeRate.currency == currency,
            ExchangeRate.quote_currency == quote_currency,
        )
        return self.session.scalars(stmt).one_or_none()

    def get_many(
        self, keys: list[tuple[date, str, str]]
    ) -> dict[tuple[date, str, str], ExchangeRate]:
        """The stored rows among (day, currency, quote currency) ``keys``."""
        if not keys:
            return {}
        er = ExchangeRate
        days = sorted({day for day, _c, _q in keys})
        wanted = set(keys)
        found: dict[tuple[date, str, str], ExchangeRate] = {}
        for start in range(0, len(days), 900):  # SQLite allows ~1000 bound parameters
            chunk = days[start : start + 900]
            for row in self.session.scalars(select(er).where(er.day.in_(chunk))):
                key = (row.day, row.currency, row.quote_currency)
                if key in wanted:
                    found[key] = row
        return found

    def list_rates(
        self, currency: str | None, quote_currency: str | None, limit: int
    ) -> list[ExchangeRate]:
        """Newest first, optionally of one currency and one quote currency."""
        stmt = select(ExchangeRate)
        if currency:
            stmt = stmt.where(ExchangeRate.currency == currency)
        if quote_currency:
            stmt = stmt.where(ExchangeRate.quote_currency == quote_currency)
        order = (ExchangeRate.day.desc(), ExchangeRate.currency, ExchangeRate.quote_currency)
        return list(self.session.scalars(stmt.order_by(*order).limit(limit)))

    def latest_rates(self, quote_currency: str, on: date) -> dict[str, Decimal]:
        """Each currency's latest rate to ``quote_currency`` on or before ``on``."""
        er = ExchangeRate
        latest = (
            select(er.currency, sa.func.max(er.day).label("day"))
            .where(er.quote_currency == quote_currency, er.day <= on)
            .group_by(er.currency)
            .subquery()
        )
        stmt = select(er.currency, er.rate).join(
            latest, (er.currency == latest.c.currency) & (er.day == latest.c.day)
        )
        rows = self.session.execute(stmt.where(er.quote_currency == quote_currency))
        return {code: rate for code, rate in rows}  # noqa: C416 - dict(Result) reads it as a mapping


class CurrencyMrr(NamedTuple):
    """The lines of one currency: their MRR converted (None: no factor for it), their MRR in
    their own currency's minor units, how many lines and accounts."""

    currency: str
    converted: int | None
    own: int
    lines: int
    accounts: int


class LineMrrRepository:
    """The MRR rule of ``kasasu.domain.mrr`` as SQL over the operational tables, so a page
    totals many lines in the database: sum over lines of
    round-half-up(amount × fx ÷ months), per currency, in the same double arithmetic."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_currency(self, where: ColumnElement[bool], fx: Mapping[str, float]) -> list[CurrencyMrr]:
        """Per currency of the lines matching ``where``; ``fx`` maps a currency to its
        factor to the reporting currency's minor unit (the reporting one at 1.0)."""
        s = Subscription
        stmt = (
            select(
                s.currency,
                sa.func.sum(self.converted(fx)),
                sa.func.sum(self.converted(None)),
                sa.func.count(),
                sa.func.count(sa.distinct(s.account_id)),
            )
            .where(where)
            .group_by(s.currency)
            .order_by(s.currency)
        )
        return [
            CurrencyMrr(code, None if conv is None else int(conv), int(own), n, accounts)
            for code, conv, own, n, accounts in self.session.execute(stmt)
        ]

    def converted(self, fx: Mapping[str, float] | None) -> ColumnElement[Any]:
        return line_mrr(self.session, fx)

    def count_accounts(self, where: ColumnElement[bool]) -> int:
        stmt = select(sa.func.count(sa.distinct(Subscription.account_id))).where(where)
        return int(self.session.scalar(stmt) or 0)
