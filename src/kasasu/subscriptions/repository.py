from __future__ import annotations

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import ExchangeRate, Subscription


class SubscriptionRepository(Repository[Subscription]):
    model = Subscription
    sortable = ("id", "start_date", "end_date", "amount", "created_at", "updated_at")
    default_sort = "id"
    searchable = ("product", "plan", "external_id")


class ExchangeRateRepository(Repository[ExchangeRate]):
    model = ExchangeRate

    def get_for(self, day: object, currency: str, quote_currency: str) -> ExchangeRate | None:
        stmt = select(ExchangeRate).where(
            ExchangeRate.day == day,
            ExchangeRate.currency == currency,
            ExchangeRate.quote_currency == quote_currency,
        )
        return self.session.scalars(stmt).one_or_none()
