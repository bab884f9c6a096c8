"""Churn models as the product uses them: evaluated on a table a team brings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import pandas as pd

from kasasu.analytics.models.churn import ChurnModel, fit_churn_model
from kasasu.kit.i18n import LOCALES, Message
from kasasu.kit.types import LocalText
from kasasu.prediction.schemas import CalibrationRow, ChurnEvaluation, ReasonCount


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
    card = model.card
    return ChurnEvaluation(
        rows=card.rows,
        churned=card.churned,
        model=card.kind,
        why=_both(card.why),
        auc_by_model=card.auc_by_kind,
        cv_auc=card.cv_auc,
        cv_brier=card.cv_brier,
        calibration=card.calibration,
        calibration_table=[
            CalibrationRow(predicted=b.predicted, observed=b.observed, rows=b.rows)
            for b in card.calibration_table
        ],
        lift_top_decile=card.lift_top_decile,
        features=list(card.features),
        ignored={column: _both(why) for column, why in card.ignored.items()},
        top_reasons=_top_reasons(model, frame),
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


def _both(message: Message) -> LocalText:
    return LocalText(**{locale: message.render(locale) for locale in LOCALES})
