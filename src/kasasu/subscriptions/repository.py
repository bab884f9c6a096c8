from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import ExchangeRate, Renewal, Subscription


class SubscriptionRepository(Repository[Subscription]):
    model = Subscription
    sortable = ("id", "start_date", "end_date", "amount", "created_at", "updated_at")
    default_sort = "id"
    searchable = ("product", "plan", "external_id")

    def renewing(self, first: date, last: date, limit: int) -> list[Subscription]:
        """Paying lines whose end (renewal) date falls in [first, last], soonest first; lines
        already recorded as churned at that date stay listed (cancelled on it)."""
        stmt = (
            select(Subscription)
            .where(
                Subscription.end_date >= first,
                Subscription.end_date <= last,
                Subscription.status != "trial",
                (Subscription.cancelled_on.is_(None))
                | (Subscription.cancelled_on == Subscription.end_date),
            )
            .order_by(Subscription.end_date, Subscription.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))


class RenewalRepository(Repository[Renewal]):
    model = Renewal

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


class ExchangeRateRepository(Repository[ExchangeRate]):
    model = ExchangeRate

    def get_for(self, day: object, currency: str, quote_currency: str) -> ExchangeRate | None:
        stmt = select(ExchangeRate).where(
            ExchangeRate.day == day,
            ExchangeRate.currency == currency,
            ExchangeRate.quote_currency == quote_currency,
        )
        return self.session.scalars(stmt).one_or_none()
