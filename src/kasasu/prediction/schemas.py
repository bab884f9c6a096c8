"""A churn model's evaluation as a person reads it: how good, how it was chosen, why."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kasasu.kit.types import LocalText


class CalibrationRow(BaseModel):
    predicted: float = Field(description="Mean predicted churn probability in the tenth")
    observed: float = Field(description="Share of the tenth's rows that churned")
    rows: int


class ReasonCount(BaseModel):
    feature: str
    rows: int = Field(description="Rows where it is among the top three reasons")
    mean_contribution: float = Field(description="Mean log-odds it adds where it is a reason")


class ChurnEvaluation(BaseModel):
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
    top_reasons: list[ReasonCount]
