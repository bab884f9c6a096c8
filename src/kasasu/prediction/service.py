"""Churn models as the product uses them: evaluated on a table a team brings, the model card
of the latest refresh, and an account's risk with its reasons in words."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from kasasu.analytics.models.churn import ChurnModel, fit_churn_model
from kasasu.health.explain import feature_text
from kasasu.prediction.repository import ChurnRepository
from kasasu.prediction.schemas import (
    AccountRisk,
    ChurnEvaluation,
    ChurnModelRead,
    ReasonCount,
    RiskReason,
    card_fields,
)


def evaluate_churn(
    frame: pd.DataFrame,
    label: str,
    *,
    categorical: Sequence[str] | None = None,
    time_column: str | None = None,
) -> ChurnEvaluation:
    """Fit the churn models on ``frame`` and say how good the chosen one is and what drives
    its risk: "try the method on your own export before importing everything"."""
    model = fit_churn_model(frame, label, categorical=categorical, time_column=time_column)
    return ChurnEvaluation(**card_fields(model.card), top_reasons=_top_reasons(model, frame))


def latest_model(session: Session) -> ChurnModelRead | None:
    """The card of the newest model a refresh trained; None before the first."""
    found = ChurnRepository(session).latest_model()
    return None if found is None else ChurnModelRead.model_validate(found.card)


def latest_risks(session: Session) -> tuple[date | None, dict[int, float]]:
    """The latest day scored and every account's churn risk on it (none before a model)."""
    repo = ChurnRepository(session)
    day = repo.latest_day()
    return day, ({} if day is None else repo.risks_on(day))


def account_risk(
    session: Session, account_id: int, locale: str, currency: str
) -> AccountRisk | None:
    """The account's latest churn risk with its reasons in words; None before any model."""
    repo = ChurnRepository(session)
    found = repo.latest_risk(account_id)
    if found is None:
        return None
    model = repo.get(found.model_id)
    reasons = [RiskReason.model_validate(r) for r in found.reasons]
    return AccountRisk(
        as_of=found.as_of,
        risk=found.risk,
        horizon_days=model.horizon_days if model else 0,
        reasons=reasons,
        said=[feature_text(r.feature, r.value, locale, currency) for r in reasons],
    )


def _top_reasons(model: ChurnModel, frame: pd.DataFrame) -> list[ReasonCount]:
    """How often each feature is among a row's three strongest reasons, and what it adds
    there; the feature adding most over all rows first."""
    seen: Counter[str] = Counter()
    added: defaultdict[str, float] = defaultdict(float)
    for reasons in model.reasons(frame, top=3):
        for reason in reasons:
            seen[reason.feature] += 1
            added[reason.feature] += reason.contribution
    return [
        ReasonCount(feature=f, rows=n, mean_contribution=added[f] / n)
        for f, n in sorted(seen.items(), key=lambda item: (-added[item[0]], item[0]))
    ]
