"""How good the renewal forecast has been: for each of the last months, forecast its renewals
as they stood before it began and compare with the MRR that renewed.

Before month M: the churn model trained as the refresh of the last stored feature day on or
before M's first day would have (``kasasu churn backtest``'s replay), last year's renewal
history as of that day, and the CSMs' calls as they stood at the start of M (each call is
kept with its time). The MRR that renewed: a renewal recorded as churned, or a line cancelled
on its renewal date, renewed nothing; an expansion or contraction renewed its new version's
MRR; anything else renewed its MRR. The error of a month is |forecast − renewed| ÷ renewed;
MAPE is its mean over the months that renewed anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.choices import RenewalOutcome
from kasasu.domain.dates import local_midnight
from kasasu.domain.periods import add_months
from kasasu.errors import InvalidInput
from kasasu.health.features import RefreshConfig, read_accounts
from kasasu.health.snapshots import feature_days
from kasasu.kit.i18n import _
from kasasu.prediction.backtest import risks_at
from kasasu.renewals.forecast import call_read, forecast_row, renewal_history
from kasasu.renewals.repository import ForecastRepository, RenewalBoardRepository
from kasasu.renewals.schemas import RenewalQuery
from kasasu.subscriptions.mrr import exchange_factors

HORIZON_DAYS = 90


class MonthForecast(BaseModel):
    month: str
    cutoff: date | None = Field(description="The feature day the churn model was trained for")
    renewals: int
    mrr: int = Field(description="MRR up for renewal")
    renewed: int = Field(description="MRR that renewed")
    model: int = Field(description="Forecast of the model alone")
    with_calls: int = Field(description="Forecast with the calls standing when the month began")
    calls: int = Field(description="Renewals with a call standing when the month began")
    model_error: float | None
    calls_error: float | None


class ForecastBacktest(BaseModel):
    months: list[MonthForecast]
    model_mape: float | None = Field(description="Mean absolute % error of the model alone")
    calls_mape: float | None = Field(description="The same with the CSMs' calls")


def forecast_backtest(
    session: Session,
    config: RefreshConfig,
    today: date,
    *,
    months: int = 12,
    tick: Callable[[], None] | None = None,
) -> ForecastBacktest:
    """The last ``months`` whole months before ``today``'s, oldest first; ``tick`` after
    each month (a model is trained for each)."""
    fx = exchange_factors(session, config.currency, today)
    stored = feature_days(session)
    accounts = read_accounts(session)
    this_month = today.replace(day=1)
    found = []
    for k in range(months, 0, -1):
        start = add_months(this_month, -k)
        end = add_months(start, 1) - timedelta(days=1)
        before = [d for d in stored if d <= start]
        cutoff = max(before) if before else None
        risks = None
        if cutoff is not None:
            risks = risks_at(
                session, config, cutoff, HORIZON_DAYS, stored=stored, accounts=accounts
            )
        found.append(_month(session, config, fx, (start, end), cutoff=cutoff, risks=risks or {}))
        if tick:
            tick()
    if not any(m.renewals for m in found):
        raise InvalidInput(
            _("No renewal of a term longer than a month in the last {n} months", n=months)
        )
    return ForecastBacktest(
        months=found,
        model_mape=_mean([m.model_error for m in found]),
        calls_mape=_mean([m.calls_error for m in found]),
    )


def _month(
    session: Session,
    config: RefreshConfig,
    fx: dict[str, float],
    month: tuple[date, date],
    *,
    cutoff: date | None,
    risks: dict[int, float],
) -> MonthForecast:
    start, end = month
    rows = RenewalBoardRepository(session).every(RenewalQuery(first=start, last=end), fx)
    history = renewal_history(session, fx, cutoff or start)
    forecasts = ForecastRepository(session)
    calls = forecasts.calls(start, end, before=local_midnight(start, config.zone))
    new_mrr = {(line, day): new for line, day, _o, _old, new in forecasts.outcomes(start, end, fx)}
    renewed = model = with_calls = called = up = 0
    for r in rows:
        if r.mrr is None:
            continue  # no exchange rate: neither forecast nor outcome
        unknown = SimpleNamespace(**{**r._mapping, "outcome": None})  # not known before M
        call = call_read(calls.get((r.subscription_id, r.day)), {})
        row = forecast_row(unknown, risks.get(r.account_id), call, history, {})
        model += row.model_expected
        with_calls += row.expected
        called += call is not None and call.status is not None
        up += int(r.mrr)
        renewed += _renewed(r, new_mrr.get((r.subscription_id, r.day)))
    return MonthForecast(
        month=f"{start:%Y-%m}",
        cutoff=cutoff,
        renewals=len(rows),
        mrr=up,
        renewed=renewed,
        model=model,
        with_calls=with_calls,
        calls=called,
        model_error=_error(model, renewed),
        calls_error=_error(with_calls, renewed),
    )


def _renewed(r: Any, new_mrr: int | None) -> int:
    if r.outcome is RenewalOutcome.CHURNED or (r.outcome is None and r.cancelled_on == r.day):
        return 0
    if r.outcome in (RenewalOutcome.EXPANDED, RenewalOutcome.CONTRACTED) and new_mrr is not None:
        return new_mrr
    return int(r.mrr)


def _error(forecast: int, actual: int) -> float | None:
    return abs(forecast - actual) / actual if actual else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
