"""The churn model of the daily refresh: trained on the feature history, scored on the day.

Training rows are the stored feature snapshots of the paying accounts on days D at least
``horizon`` days before the refresh day, one day a fortnight over the last year, so every
label is known and nothing after the cut-off reaches training: churned = paying on D, paying
nothing on D + horizon (as the health backtest counts it). The folds chain forward in time and
leave out of each fold's training the days whose horizon reaches into its test days. The
accounts' plan, tier and industry are categories; the lifecycle stage and the touch model are
left out (a churned stage is the label itself; the touch model is MRR again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kasasu.analytics.features import FEATURE_NAMES, RISK
from kasasu.analytics.models.churn import ChurnModel, fit_churn_model
from kasasu.domain.backtest import roc_auc
from kasasu.errors import InvalidInput
from kasasu.health.backtest import paying_on
from kasasu.health.features import Accounts, Features, RefreshConfig
from kasasu.health.snapshots import feature_days, features_on, scores_on_days, store_features
from kasasu.prediction.repository import ChurnRepository
from kasasu.prediction.schemas import ChurnModelRead, HealthComparison, card_fields

CATEGORY_FIELDS = ("plan", "tier", "industry")
LABEL, DAY = "churned", "as_of"
HISTORY_DAYS = 365  # how far back the training snapshots reach from the cut-off
EVERY_DAYS = 14  # at most one snapshot day a fortnight: neighbouring days say the same
MIN_DAYS = 6  # forward-chaining folds need six distinct days
# Features a rebuilt history gets from the future: a backfill computes a past day's features
# from today's contract lines, whose end date is today's term end for the lines still
# running but the last day for those that churned since, so the days to renewal would tell
# the model who churns. Live snapshots are honest; a stored snapshot does not say which it is.
NOT_LEARNED = frozenset({"days_to_renewal"})


@dataclass(frozen=True)
class RiskConfig:
    horizon_days: int = 90


def training_days(stored: Sequence[date], day: date, horizon: int) -> list[date]:
    """The snapshot days a model for ``day`` learns from: labels known by ``day`` (D +
    horizon ≤ day), within a year of that cut-off, at least a fortnight apart, latest kept."""
    cutoff = day - timedelta(days=horizon)
    chosen: list[date] = []
    for d in sorted((d for d in stored if cutoff - timedelta(days=HISTORY_DAYS) <= d <= cutoff),
                    reverse=True):  # fmt: skip
        if not chosen or (chosen[-1] - d).days >= EVERY_DAYS:
            chosen.append(d)
    return sorted(chosen)


def training_frame(
    session: Session, config: RefreshConfig, days: Sequence[date], horizon: int, accounts: Accounts
) -> pd.DataFrame:
    """One row per paying account and training day: its features, categories, the label."""
    later = paying_on(session, config, [d + timedelta(days=horizon) for d in days])
    rows: list[dict[str, Any]] = []
    for d in days:
        paying = later[d + timedelta(days=horizon)]
        rows.extend(
            {
                **model_inputs(feats, accounts.get(a, {})),
                LABEL: a not in paying,
                DAY: d,
                "account_id": a,
            }
            for a, feats in features_on(session, d)
        )
    return pd.DataFrame(rows)


def train_and_score(
    session: Session,
    day: date,
    features: Features,
    config: RefreshConfig,
    *,
    accounts: Accounts,
    risk: RiskConfig = RiskConfig(),
) -> ChurnModelRead | None:
    """Train the day's model and store every paying account's risk and reasons on ``day``;
    the features gain ``churn_risk``. None (and nothing stored) while the history is too
    short: fewer than six days with a known outcome, or too few churners."""
    horizon = risk.horizon_days
    repo = ChurnRepository(session)
    days = training_days(feature_days(session), day, horizon)
    if len(days) < MIN_DAYS:
        repo.forget(day)
        return None
    frame = training_frame(session, config, days, horizon, accounts)
    try:
        model = fit_churn_model(
            frame.drop(columns=["account_id"]),
            LABEL,
            categorical=[c for c in CATEGORY_FIELDS if c in frame.columns],
            time_column=DAY,
            horizon=timedelta(days=horizon),
        )
    except InvalidInput:
        repo.forget(day)  # e.g. fewer than five churners in the history
        return None
    health_auc, model_auc, rows = _health_auc(session, frame, model)
    card = ChurnModelRead(
        **card_fields(model.card),
        trained_on=day,
        horizon_days=horizon,
        first_day=days[0],
        last_day=days[-1],
        health=HealthComparison(rows=rows, health_auc=health_auc, model_auc=model_auc),
    )
    version = repo.replace_model(
        day,
        {
            "horizon_days": horizon,
            "first_day": days[0],
            "last_day": days[-1],
            "kind": card.model,
            "cv_auc": card.cv_auc,
            "card": card.model_dump(mode="json"),
        },
    )
    today = pd.DataFrame([model_inputs(f, accounts.get(a, {})) for a, f in features])
    risks = model.predict_proba(today) if len(today) else np.zeros(0)
    reasons = model.reasons(today, top=3) if len(today) else []
    repo.replace_risks(
        day,
        version,
        [
            (account_id, float(p), [r.__dict__ for r in why])
            for (account_id, _f), p, why in zip(features, risks, reasons, strict=True)
        ],
    )
    for (_a, feats), p in zip(features, risks, strict=True):
        feats[RISK] = float(p)
    store_features(session, day, features)
    return card


def model_inputs(features: Mapping[str, Any], account: Mapping[str, Any]) -> dict[str, Any]:
    return {**{n: features.get(n) for n in FEATURE_NAMES if n not in NOT_LEARNED},
            **{c: account.get(c) for c in CATEGORY_FIELDS}}  # fmt: skip


def _health_auc(
    session: Session, frame: pd.DataFrame, model: ChurnModel
) -> tuple[float | None, float | None, int]:
    """(health score AUC, model AUC, rows) on the training account-days that have both a
    health score and an out-of-fold risk: the two measured on the same rows."""
    scores = scores_on_days(session, sorted(set(frame[DAY])))
    health: list[float] = []
    risk: list[float] = []
    churned: list[bool] = []
    for (a, d, label), p in zip(
        frame[["account_id", DAY, LABEL]].itertuples(index=False, name=None),
        model.out_of_fold,
        strict=True,
    ):
        score = scores.get((a, d))
        if score is not None and np.isfinite(p):
            health.append(score)
            risk.append(-float(p))  # roc_auc reads "low → churn"
            churned.append(bool(label))
    return roc_auc(health, churned), roc_auc(risk, churned), len(churned)
