"""Replay the churn model over the feature history, as the health backtest replays a
scorecard: at each cut-off day C, train exactly as the refresh of C would have (on the days
whose horizon had passed by C), score the accounts paying on C, and compare with what
happened by C + horizon; the health score of the same account-days beside it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kasasu.analytics.models.churn import calibration_table, fit_churn_model, top_decile_lift
from kasasu.domain.backtest import roc_auc
from kasasu.errors import InvalidInput
from kasasu.health.backtest import paying_on
from kasasu.health.features import Accounts, RefreshConfig, read_accounts
from kasasu.health.snapshots import feature_days, features_on, scores_on_days
from kasasu.kit.i18n import _
from kasasu.prediction.schemas import CalibrationRow, ChurnBacktest, ScoreQuality
from kasasu.prediction.training import (
    CATEGORY_FIELDS,
    DAY,
    LABEL,
    MIN_DAYS,
    model_inputs,
    training_days,
    training_frame,
)


def churn_backtest(
    session: Session, config: RefreshConfig, *, horizon_days: int, until: date, every: int = 14
) -> ChurnBacktest:
    """Cut-offs: the stored feature days, at least ``every`` days apart, from the first with
    six training days to the last whose outcome is known by ``until``."""
    stored = feature_days(session)
    horizon = timedelta(days=horizon_days)
    cutoffs: list[date] = []
    for day in stored:
        if day + horizon > until or len(training_days(stored, day, horizon_days)) < MIN_DAYS:
            continue
        if not cutoffs or (day - cutoffs[-1]).days >= every:
            cutoffs.append(day)
    if not cutoffs:
        raise _too_short(horizon_days)
    accounts = read_accounts(session)
    later = paying_on(session, config, [c + horizon for c in cutoffs])
    health = scores_on_days(session, cutoffs)
    risk: list[float] = []
    score: list[float | None] = []
    churned: list[bool] = []
    used: list[date] = []
    for cutoff in cutoffs:
        found = risks_at(session, config, cutoff, horizon_days, stored=stored, accounts=accounts)
        if found is None:
            continue  # too little history yet for a fold to learn from: as the refresh skips it
        used.append(cutoff)
        risk.extend(found.values())
        score.extend(health.get((a, cutoff)) for a in found)
        churned.extend(a not in later[cutoff + horizon] for a in found)
    if not used:
        raise _too_short(horizon_days)
    return _report(used, horizon_days, risk, score, churned)


def risks_at(
    session: Session,
    config: RefreshConfig,
    cutoff: date,
    horizon_days: int,
    *,
    stored: list[date],
    accounts: Accounts,
) -> dict[int, float] | None:
    """Each account paying on ``cutoff`` (a stored feature day) and its churn risk from a
    model trained as the refresh of ``cutoff`` would have trained it; None when the history
    before it is too short."""
    days = training_days(stored, cutoff, horizon_days)
    if len(days) < MIN_DAYS:
        return None
    frame = training_frame(session, config, days, horizon_days, accounts)
    try:
        model = fit_churn_model(
            frame.drop(columns=["account_id"]),
            LABEL,
            categorical=list(CATEGORY_FIELDS),
            time_column=DAY,
            horizon=timedelta(days=horizon_days),
        )
    except InvalidInput:
        return None
    today = features_on(session, cutoff)
    rows = pd.DataFrame([model_inputs(f, accounts.get(a, {})) for a, f in today])
    return {a: float(p) for (a, _f), p in zip(today, model.predict_proba(rows), strict=True)}


def _too_short(horizon: int) -> InvalidInput:
    return InvalidInput(
        _(
            "Not enough feature history: a cut-off needs earlier days whose {horizon} days had "
            "passed, enough for a model to learn from, and {horizon} days after it; build it "
            "with 'kasasu refresh --backfill --from DATE --to DATE --every 14'",
            horizon=horizon,
        )
    )


def _report(
    cutoffs: list[date],
    horizon: int,
    risk: list[float],
    score: list[float | None],
    churned: list[bool],
) -> ChurnBacktest:
    p, y = np.array(risk), np.array(churned, dtype=int)
    both = [i for i, s in enumerate(score) if s is not None]
    scored = [float(score[i]) for i in both]  # type: ignore[arg-type]
    same_y = [churned[i] for i in both]
    return ChurnBacktest(
        cutoffs=cutoffs,
        horizon_days=horizon,
        observations=len(y),
        churned=int(y.sum()),
        model=ScoreQuality(
            auc=roc_auc([-v for v in risk], churned),
            brier=float(np.mean((p - y) ** 2)) if len(y) else None,
            lift_top_decile=top_decile_lift(p, y),
        ),
        calibration_table=[
            CalibrationRow(predicted=b.predicted, observed=b.observed, rows=b.rows)
            for b in calibration_table(p, y)
        ],
        same_days=len(both),
        model_on_same_days=ScoreQuality(
            auc=roc_auc([-risk[i] for i in both], same_y),
            brier=None,
            lift_top_decile=top_decile_lift(p[both], y[both]),
        ),
        health=ScoreQuality(
            auc=roc_auc(scored, same_y),
            brier=None,
            lift_top_decile=top_decile_lift(-np.array(scored), y[both]),
        ),
    )
