"""The renewal forecast as people open it: computed over every renewal of the window once
per state of what it reads, then read by every process (workspace.memo)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.models import (
    Account,
    ChurnRisk,
    ExchangeRate,
    LifetimeValue,
    Renewal,
    RenewalForecast,
    Segment,
    SegmentMember,
    Subscription,
    User,
)
from kasasu.renewals.forecast import next_quarter, renewal_forecast
from kasasu.renewals.schemas import RenewalForecast as Forecast
from kasasu.workspace.memo import Recalled, keep, recall

# Contract lines, renewals recorded, calls, risks and values, segments, account and CSM
# names, exchange rates: a change to any of them is a new forecast.
FORECAST_TABLES = (
    Subscription, Renewal, RenewalForecast, ChurnRisk, LifetimeValue, Segment, SegmentMember,
    Account, User, ExchangeRate,
)  # fmt: skip
PAGE_SIZE = 50


def recall_forecast(
    session: Session,
    window: tuple[date, date],
    currency: str,
    today: date,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Recalled[Forecast]:
    first, last = window
    return recall(
        session,
        "renewal-forecast",
        {
            "first": first,
            "last": last,
            "currency": currency,
            "today": today,
            "page": page,
            "size": size,
        },
        tables=FORECAST_TABLES,
        compute=lambda: renewal_forecast(
            session, first, last, currency, today, page=page, size=size
        ),
        kind=Forecast,
    )


def warm_forecast(session: Session, currency: str, today: date) -> int:
    """The forecast as it first opens: the next quarter, first page."""
    found = recall_forecast(session, next_quarter(today), currency, today)
    keep(session, found)
    return int(found.fresh)
