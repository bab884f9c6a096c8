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
from typing import Any

from sqlalchemy.orm import Session

from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.features import RISK
from kasasu.analytics.kpis_ltv import MONTHLY_DISCOUNT, YEARLY_DISCOUNT, retention_model
from kasasu.analytics.models.ltv import account_lifetime_value
from kasasu.analytics.models.sbg import SBGModel
from kasasu.analytics.purchases import purchase_days
from kasasu.domain.periods import add_months
from kasasu.health.features import Features, RefreshConfig
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import inputs_for
from kasasu.prediction.purchases import project_purchases
from kasasu.prediction.repository import ValueRepository
from kasasu.prediction.schemas import (
    AccountValue,
    Valued,
    ValueFitRead,
    ValueGroup,
    ValueSummary,
)

DAYS_PER_MONTH = 365.25 / 12
Values = dict[int, Valued]


def paid_months(tenure_days: float | None) -> int:
    """Months paid so far: the month under way counts (a first-day account has paid one)."""
    return int((tenure_days or 0) // DAYS_PER_MONTH) + 1


def horizon_months(horizon_days: int) -> int:
    return max(1, round(horizon_days / DAYS_PER_MONTH))


def _read(
    session: Session, day: date, config: RefreshConfig
) -> tuple[SBGModel | None, list[dict[str, Any]]]:
    """The LTV KPI's retention model at the end of the last month finished by ``day``, and
    the accounts' purchase days before ``day``, from one copy of the facts."""
    month = add_months(date(day.year, day.month, 1), -1)
    query = MetricQuery(
        ("ltv_projected",), month, month, currency=config.currency, zone=config.zone
    )
    with inputs_for(session, query, config.source) as inputs:
        bought = purchase_days(inputs.sources, config.purchase_events, day, config.zone)
        rows = [] if bought is None else evaluate(bought).to_pylist()
        return retention_model(inputs), rows


def value_accounts(
    session: Session, day: date, features: Features, config: RefreshConfig, horizon_days: int
) -> ValueFitRead | None:
    """Store every paying account's lifetime value on ``day``, from its features (MRR,
    tenure, and the churn risk if the day has one), and every buying account's purchases to
    come. None, and nothing stored, while the history shows neither a retention fit (under
    two months of cohorts, or no churn yet) nor enough buyers."""
    repo = ValueRepository(session)
    model, bought = _read(session, day, config)
    projected = project_purchases(bought, config.purchase_events)
    if model is None and projected is None:
        repo.forget(day)
        return None
    h = horizon_months(horizon_days)
    rows = {} if model is None else _contract_values(model, features, config.gross_margin, h)
    for account_id, purchases in (projected.accounts if projected else {}).items():
        rows.setdefault(account_id, _no_contract(account_id)).update(purchases)
    fit = {
        "alpha": None if model is None else model.alpha,
        "beta": None if model is None else model.beta,
        "yearly_discount": YEARLY_DISCOUNT,
        "gross_margin": config.gross_margin,
        "currency": config.currency,
        "horizon_months": h,
        "purchases": None if projected is None else projected.fit,
    }
    repo.replace(day, fit, list(rows.values()))
    return ValueFitRead(as_of=day, **fit)


def _contract_values(
    model: SBGModel, features: Features, margin: float, h: int
) -> dict[int, dict[str, Any]]:
    rows = {}
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
        rows[account_id] = {
            "account_id": account_id,
            "mrr": round(mrr),
            "paid_months": n,
            "cohort_value": shown,
            "value": round(value),
            "risk": risk,
            "value_at_risk": None if risk is None else round(shown * risk),
        }
    return rows


def _no_contract(account_id: int) -> dict[str, Any]:
    """An account that buys without a contract (or no retention fit): no contract value."""
    return {
        "account_id": account_id, "mrr": 0, "paid_months": 0, "cohort_value": 0, "value": 0,
        "risk": None, "value_at_risk": None,
    }  # fmt: skip


def account_value(session: Session, account_id: int) -> AccountValue | None:
    """The account's lifetime value on the latest valued day; None if it had none."""
    repo = ValueRepository(session)
    fit = repo.latest_fit()
    found = None if fit is None else repo.account_value(account_id, fit.as_of)
    if fit is None or found is None:
        return None
    derl = None
    if fit.alpha is not None and fit.beta is not None and found.paid_months > 0:
        model = SBGModel(fit.alpha, fit.beta)
        derl = model.residual_lifetime(found.paid_months, MONTHLY_DISCOUNT)
    return AccountValue(
        as_of=found.as_of,
        mrr=found.mrr,
        paid_months=found.paid_months,
        residual_months=derl,
        cohort_value=found.cohort_value,
        value=found.value,
        risk=found.risk,
        value_at_risk=found.value_at_risk,
        purchases_ahead=found.purchases_ahead,
        purchase_mean=found.purchase_mean,
        purchase_value=found.purchase_value,
        still_buying=found.still_buying,
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


def _group(name: str, values: list[Valued]) -> ValueGroup:
    amounts = sorted(v.value for v in values)
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
        value_at_risk=sum(v.at_risk or 0 for v in values),
        purchase_value=sum(v.purchases or 0 for v in values),
        quartiles=quartiles,
    )
