"""Churn models trained by the daily refresh, and the risk they give each account per day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import (
    Base,
    IdMixin,
    IdType,
    JSONType,
    MoneyAmount,
    UTCDateTime,
    utcnow,
)


class ChurnModelVersion(IdMixin, Base):
    """The model a refresh trained for its day: the data window and the card (AUC, Brier,
    calibration, lift, the comparison with the health scores). The fitted model itself is not
    kept: each refresh trains anew on the history it has."""

    __tablename__ = "churn_models"
    __table_args__ = (UniqueConstraint("trained_on"),)

    trained_on: Mapped[date]
    horizon_days: Mapped[int]
    first_day: Mapped[date]  # the first and last snapshot days it learned from
    last_day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(32))  # logistic, lightgbm
    cv_auc: Mapped[float] = mapped_column(Float)
    card: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChurnRisk(IdMixin, Base):
    """An account's probability of churning within the model's horizon after a day, and the
    features that raise it most."""

    __tablename__ = "churn_risks"
    __table_args__ = (
        UniqueConstraint("account_id", "as_of"),
        Index("ix_churn_risks_as_of_risk", "as_of", "risk"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    model_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("churn_models.id", ondelete="CASCADE"), index=True
    )
    risk: Mapped[float] = mapped_column(Float)
    # [{feature, value, contribution}], the strongest first (at most three).
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)


class ValueFit(IdMixin, Base):
    """The retention model behind a day's lifetime values: the sBG fitted to the pooled
    monthly survival of the cohorts (the LTV KPI's fit) and the terms the values assume."""

    __tablename__ = "lifetime_value_fits"
    __table_args__ = (UniqueConstraint("as_of"),)

    as_of: Mapped[date]
    alpha: Mapped[float | None] = mapped_column(Float)  # None: no contract churn to fit
    beta: Mapped[float | None] = mapped_column(Float)
    yearly_discount: Mapped[float] = mapped_column(Float)
    gross_margin: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    horizon_months: Mapped[int]  # over which a churn risk replaced the cohort's odds
    # The BG/NBD and Gamma-Gamma fits of the purchase events, if any: {events, r, alpha, a,
    # b, p, q, gamma, accounts}.
    purchases: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LifetimeValue(IdMixin, Base):
    """An account's expected discounted residual value on a day (minor units of the fit's
    currency): at its cohort's odds, adjusted by its churn risk, and the value at risk."""

    __tablename__ = "lifetime_values"
    __table_args__ = (
        UniqueConstraint("account_id", "as_of"),
        Index("ix_lifetime_values_as_of", "as_of"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    fit_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("lifetime_value_fits.id", ondelete="CASCADE"), index=True
    )
    mrr: Mapped[int] = mapped_column(MoneyAmount)
    paid_months: Mapped[int]
    cohort_value: Mapped[int] = mapped_column(MoneyAmount)
    value: Mapped[int] = mapped_column(MoneyAmount)  # the cohort value where no risk is known
    risk: Mapped[float | None] = mapped_column(Float)
    value_at_risk: Mapped[int | None] = mapped_column(MoneyAmount)  # cohort value × risk
    # Purchases outside the contracts over the next 52 weeks (BG/NBD × Gamma-Gamma).
    purchases_ahead: Mapped[float | None] = mapped_column(Float)
    purchase_mean: Mapped[int | None] = mapped_column(MoneyAmount)
    purchase_value: Mapped[int | None] = mapped_column(MoneyAmount)
    still_buying: Mapped[float | None] = mapped_column(Float)  # P(alive)
