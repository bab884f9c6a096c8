"""A churn model as a person reads it: how good, how it was chosen, why; and its risks."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from kasasu.analytics.models.churn import ModelCard
from kasasu.kit.i18n import LOCALES, Message
from kasasu.kit.types import LocalText


class CalibrationRow(BaseModel):
    predicted: float = Field(description="Mean predicted churn probability in the tenth")
    observed: float = Field(description="Share of the tenth's rows that churned")
    rows: int


class ChurnCard(BaseModel):
    rows: int
    churned: int
    model: str = Field(description="logistic or lightgbm: the one chosen")
    why: LocalText
    auc_by_model: dict[str, float] = Field(description="Mean cross-validated ROC AUC per model")
    cv_auc: float
    cv_brier: float
    calibration: str = Field(description="isotonic or platt")
    calibration_table: list[CalibrationRow]
    lift_top_decile: float
    features: list[str]
    ignored: dict[str, LocalText] = Field(description="Columns not used, and why")


class ReasonCount(BaseModel):
    feature: str
    rows: int = Field(description="Rows where it is among the top three reasons")
    mean_contribution: float = Field(description="Mean log-odds it adds where it is a reason")


class ChurnEvaluation(ChurnCard):
    top_reasons: list[ReasonCount]


class HealthComparison(BaseModel):
    """The health score and the model on the same training account-days (out of fold)."""

    rows: int
    health_auc: float | None
    model_auc: float | None


class ChurnModelRead(ChurnCard):
    trained_on: date
    horizon_days: int
    first_day: date = Field(description="The first snapshot day it learned from")
    last_day: date = Field(description="The last snapshot day it learned from")
    health: HealthComparison


class RiskReason(BaseModel):
    feature: str
    value: Any
    contribution: float = Field(description="Log-odds of churn it adds against an average account")


class AccountRisk(BaseModel):
    as_of: date
    risk: float = Field(description="Probability of churning within the horizon")
    horizon_days: int
    reasons: list[RiskReason]
    said: list[str] = Field(description="The reasons in words, in the reader's language")


def both(message: Message) -> LocalText:
    return LocalText(**{locale: message.render(locale) for locale in LOCALES})


def card_fields(card: ModelCard) -> dict[str, Any]:
    return {
        "rows": card.rows,
        "churned": card.churned,
        "model": card.kind,
        "why": both(card.why),
        "auc_by_model": card.auc_by_kind,
        "cv_auc": card.cv_auc,
        "cv_brier": card.cv_brier,
        "calibration": card.calibration,
        "calibration_table": [
            CalibrationRow(predicted=b.predicted, observed=b.observed, rows=b.rows)
            for b in card.calibration_table
        ],
        "lift_top_decile": card.lift_top_decile,
        "features": list(card.features),
        "ignored": {column: both(why) for column, why in card.ignored.items()},
    }


class ScoreQuality(BaseModel):
    auc: float | None = Field(description="ROC AUC: the chance a churner ranked riskier")
    brier: float | None = Field(
        description="Mean squared error of the probability; none for a score"
    )
    lift_top_decile: float = Field(description="Churn rate of the riskiest tenth ÷ the average")


class ChurnBacktest(BaseModel):
    cutoffs: list[date]
    horizon_days: int
    observations: int
    churned: int
    model: ScoreQuality
    calibration_table: list[CalibrationRow]
    same_days: int = Field(description="Account-days with a health score too")
    model_on_same_days: ScoreQuality
    health: ScoreQuality


class ValueFitRead(BaseModel):
    """The retention model behind a day's lifetime values and the terms they assume."""

    model_config = ConfigDict(from_attributes=True)

    as_of: date
    alpha: float | None = Field(description="The sBG's α; none without contract churn to fit")
    beta: float | None
    yearly_discount: float
    gross_margin: float
    currency: str
    horizon_months: int = Field(description="Months over which a churn risk replaces the fit")
    purchases: dict[str, Any] | None = Field(
        default=None,
        description="The BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, gamma) fits of the "
        "purchase events, the event names and how many accounts bought; none without them",
    )


class AccountValue(BaseModel):
    """An account's expected residual lifetime value on a day, in minor units of
    ``fit.currency``, with what it is made of."""

    as_of: date
    mrr: int
    paid_months: int = Field(description="Months paid so far (tenure), the n of DERL")
    residual_months: float | None = Field(
        description="Discounted expected residual lifetime (DERL); none without a contract"
    )
    cohort_value: int = Field(description="MRR × gross margin × DERL: the cohort's odds")
    value: int = Field(description="The lifetime value, adjusted by the churn risk if known")
    risk: float | None
    value_at_risk: int | None = Field(description="Cohort value × churn risk")
    purchases_ahead: float | None = Field(
        default=None, description="Purchases expected in the next 52 weeks (BG/NBD)"
    )
    purchase_mean: int | None = Field(
        default=None, description="Expected value of one of its purchases (Gamma-Gamma)"
    )
    purchase_value: int | None = Field(
        default=None, description="Purchases ahead × their expected value: outside contracts"
    )
    still_buying: float | None = Field(default=None, description="P(still buying), BG/NBD")
    fit: ValueFitRead


class Valued(NamedTuple):
    """An account's stored values on a day (minor units): the lifetime value of its
    contracts, that value at risk, and its purchases to come outside them."""

    value: int
    at_risk: int | None
    purchases: int | None


class ValueGroup(BaseModel):
    """Lifetime values of a group of accounts: the total and how they spread."""

    name: str
    accounts: int
    value: int
    value_at_risk: int
    purchase_value: int = Field(default=0, description="Purchases of the next 52 weeks")
    quartiles: tuple[int, int, int] | None = Field(description="25th, 50th, 75th percentile")


class ValueSummary(BaseModel):
    fit: ValueFitRead
    total: ValueGroup
    segments: list[ValueGroup] = Field(description="Per segment; an account may be in several")
