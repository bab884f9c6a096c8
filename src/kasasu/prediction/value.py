"""Customer lifetime value per account (顧客生涯価値): what each paying account will still
pay, discounted, from the retention model of the LTV KPI at the account's tenure (Fader &
Hardie 2010's DERL), × its MRR and the gross margin, with its churn risk in place of its
cohort's odds over the risk's horizon; and the value at risk, the cohort value × the risk.

One sBG fit for all accounts: the monthly cohorts pooled (as the LTV KPI fits them), since
a single monthly cohort is too small to fit, and the account's tenure places it on the
curve (the longer it stayed, the likelier it stays).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from kasasu.analytics.features import RISK
from kasasu.analytics.kpis_ltv import MONTHLY_DISCOUNT, YEARLY_DISCOUNT, retention_model
from kasasu.analytics.models.ltv import account_lifetime_value
from kasasu.analytics.models.sbg import SBGModel
from kasasu.domain.periods import add_months
from kasasu.health.features import Features, RefreshConfig
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import inputs_for
from kasasu.prediction.repository import ValueRepository
from kasasu.prediction.schemas import AccountValue, ValueFitRead, ValueGroup, ValueSummary

DAYS_PER_MONTH = 365.25 / 12
Values = dict[int, tuple[int, int | None]]  # account → (value, value at risk)


def paid_months(tenure_days: float | None) -> int:
    """Months paid so far: the month under way counts (a first-day account has paid one)."""
    return int((tenure_days or 0) // DAYS_PER_MONTH) + 1


def horizon_months(horizon_days: int) -> int:
    return max(1, round(horizon_days / DAYS_PER_MONTH))


def fit_on(session: Session, day: date, config: RefreshConfig) -> SBGModel | None:
    """The LTV KPI's retention model at the end of the last month finished by ``day``."""
    month = add_months(date(day.year, day.month, 1), -1)
    query = MetricQuery(
        ("ltv_projected",), month, month, currency=config.currency, zone=config.zone
    )
    with inputs_for(session, query, config.source) as inputs:
        return retention_model(inputs)


def value_accounts(
    session: Session, day: date, features: Features, config: RefreshConfig, horizon_days: int
) -> ValueFitRead | None:
    """Store every paying account's lifetime value on ``day``, from its features (MRR,
    tenure, and the churn risk if the day has one). None, and nothing stored, while the
    history shows no fit (under two months of cohorts, or no churn yet)."""
    repo = ValueRepository(session)
    model = fit_on(session, day, config)
    if model is None:
        repo.forget(day)
        return None
    h = horizon_months(horizon_days)
    margin = config.gross_margin
    rows = []
    for account_id, feats in features:
        mrr = feats.get("mrr") or 0
        if mrr <= 0:
            continue
        n = paid_months(feats.get("tenure_days"))
        per_month = mrr * margin
        cohort = account_lifetime_value(model, per_month, n, MONTHLY_DISCOUNT)
        risk = feats.get(RISK)
        value = cohort
        if risk is not None:
            value = account_lifetime_value(
                model, per_month, n, MONTHLY_DISCOUNT, risk=risk, horizon_periods=h
            )
        shown = round(cohort)  # the value at risk is the shown cohort value × the risk
        rows.append(
            {
                "account_id": account_id,
                "mrr": round(mrr),
                "paid_months": n,
                "cohort_value": shown,
                "value": round(value),
                "risk": risk,
                "value_at_risk": None if risk is None else round(shown * risk),
            }
        )
    fit = {
        "alpha": model.alpha,
        "beta": model.beta,
        "yearly_discount": YEARLY_DISCOUNT,
        "gross_margin": margin,
        "currency": config.currency,
        "horizon_months": h,
    }
    repo.replace(day, fit, rows)
    return ValueFitRead(as_of=day, **fit)


def account_value(session: Session, account_id: int) -> AccountValue | None:
    """The account's lifetime value on the latest valued day; None if it had none."""
    repo = ValueRepository(session)
    fit = repo.latest_fit()
    found = None if fit is None else repo.account_value(account_id, fit.as_of)
    if fit is None or found is None:
        return None
    derl = SBGModel(fit.alpha, fit.beta).residual_lifetime(found.paid_months, MONTHLY_DISCOUNT)
    return AccountValue(
        as_of=found.as_of,
        mrr=found.mrr,
        paid_months=found.paid_months,
        residual_months=derl,
        cohort_value=found.cohort_value,
        value=found.value,
        risk=found.risk,
        value_at_risk=found.value_at_risk,
        fit=ValueFitRead.model_validate(fit),
    )


def latest_values(session: Session) -> tuple[ValueFitRead, Values] | None:
    """The latest valued day's fit and account → (value, value at risk); None before any."""
    repo = ValueRepository(session)
    fit = repo.latest_fit()
    if fit is None:
        return None
    return ValueFitRead.model_validate(fit), repo.values_on(fit.as_of)


def summarise(
    fit: ValueFitRead,
    values: Values,
    groups: Iterable[tuple[str, set[int]]],
    total_name: str,
) -> ValueSummary:
    return ValueSummary(
        fit=fit,
        total=_group(total_name, list(values.values())),
        segments=[
            _group(name, [values[a] for a in members if a in values]) for name, members in groups
        ],
    )


def _group(name: str, values: list[tuple[int, int | None]]) -> ValueGroup:
    amounts = sorted(v for v, _r in values)
    quartiles = None
    if len(amounts) >= 2:
        q = statistics.quantiles(amounts, n=4, method="inclusive")
        quartiles = (round(q[0]), round(q[1]), round(q[2]))
    elif amounts:
        quartiles = (amounts[0], amounts[0], amounts[0])
    return ValueGroup(
        name=name,
        accounts=len(amounts),
        value=sum(amounts),
        value_at_risk=sum(r or 0 for _v, r in values),
        quartiles=quartiles,
    )
