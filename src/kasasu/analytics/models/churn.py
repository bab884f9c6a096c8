"""Churn risk (解約リスク) learned from a team's own history, honest about its accuracy.

``fit_churn_model(frame, label)`` compares two models on the same cross-validation folds:
a regularised logistic regression (the baseline, whose reasons are its terms) and gradient-
boosted trees (LightGBM, whose reasons are its per-feature contributions, TreeSHAP through
``pred_contrib``). The simpler one wins unless the trees' mean AUC is higher by
``CLEARLY_BETTER`` or more. Its scores are then calibrated into probabilities by isotonic
regression or Platt scaling, whichever gives the lower Brier score on scores it was not fitted
on: every score a calibrator learns from is out of fold, so the probabilities are what the
model says of accounts it has not seen.

With ``time_column`` the folds chain forward: rows are ordered by time, cut into six blocks,
and fold k trains on the blocks before block k only, so no fold learns from its future.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from kasasu.analytics.models.churn_frame import FloatArray, FrameSpec, learn_spec, read_label
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

Kind = Literal["logistic", "lightgbm"]
Calibration = Literal["isotonic", "platt"]
IntArray = npt.NDArray[np.int_]
FOLDS = 5
LOGIT_C = 0.1  # L2 strength of the logistic baseline (on standardised, log-scaled inputs)
MIN_CLASS_ROWS = 5  # a fold learns only from rows with at least this many of each class
CLEARLY_BETTER = 0.01  # the trees must beat the logit's mean AUC by this much to be chosen
SEED = 20_260_401
_TREES = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "lambda_l2": 1.0,
    "feature_fraction": 0.9,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    # One thread: the data are small (accounts × days), and OpenMP's threads spin waiting for
    # each other on a busy machine: on 2 loaded cores the telco set's fit in
    # tests/analytics/test_churn_model.py took 36 s with two threads, 3 s with one.
    "num_threads": 1,
    "verbose": -1,
}
_ROUNDS = 200
# A feature adding less than this to the log-odds (about 5% more odds of churn) is no reason
# a person would name.
MIN_REASON = 0.05


@dataclass(frozen=True)
class Reason:
    """A feature that raises the account's risk: its value and how much it adds, in log-odds
    of churn against an average account (positive: more risk)."""

    feature: str
    value: Any
    contribution: float


@dataclass(frozen=True)
class CalibrationBin:
    predicted: float  # mean predicted probability in the bin (out of fold)
    observed: float  # share of the bin's rows that churned
    rows: int


@dataclass(frozen=True)
class ModelCard:
    """What a team needs to trust the model: how it was chosen and how good it is."""

    kind: Kind
    why: Message
    auc_by_kind: dict[str, float]
    cv_auc: float
    cv_brier: float
    calibration: Calibration
    calibration_table: list[CalibrationBin]
    lift_top_decile: float
    rows: int
    churned: int
    features: tuple[str, ...]
    ignored: dict[str, Message] = field(default_factory=dict)


class ChurnModel:
    """A fitted model: calibrated probabilities, reasons per row, and its card."""

    def __init__(
        self,
        spec: FrameSpec,
        scorer: _Scorer,
        calibrator: _Calibrator,
        card: ModelCard,
        out_of_fold: FloatArray,
    ) -> None:
        self.spec, self._scorer, self._calibrator, self.card = spec, scorer, calibrator, card
        # Per training row, the calibrated probability from a fold that did not train on it
        # (NaN for rows no fold tested): what compares with another score on the same rows.
        self.out_of_fold = out_of_fold

    @property
    def cv_auc(self) -> float:
        return self.card.cv_auc

    def predict_proba(self, frame: pd.DataFrame) -> FloatArray:
        """The probability of churn of each row, calibrated."""
        return self._calibrator.apply(self._scorer.score(self.spec.numbers(frame)))

    def reasons(self, frame: pd.DataFrame, top: int = 3) -> list[list[Reason]]:
        """Per row, the ``top`` features that raise its risk most (by ``MIN_REASON`` or more;
        none that lower it)."""
        contributions = self._scorer.contributions(self.spec.numbers(frame))
        names = self.spec.features
        found: list[list[Reason]] = []
        for values, row in zip(self.spec.raw_values(frame), contributions, strict=True):
            order = np.argsort(-row, kind="stable")[:top]
            found.append(
                [
                    Reason(names[j], values[names[j]], float(row[j]))
                    for j in order
                    if row[j] >= MIN_REASON
                ]
            )
        return found


def fit_churn_model(
    frame: pd.DataFrame,
    label: str,
    *,
    categorical: Sequence[str] | None = None,
    time_column: str | None = None,
    horizon: Any = None,
    kinds: Iterable[Kind] = ("logistic", "lightgbm"),
) -> ChurnModel:
    """Fit, compare and calibrate on ``frame``; ``label`` names its churned column (booleans,
    0/1 or Yes/No). Text columns are categories (and any named in ``categorical``).

    ``horizon`` (with ``time_column``, in its units: a timedelta for dates): how long after
    its time a row's label is known. A fold then trains only on rows whose label was known
    by its first test time, so no label from the test period leaks into training."""
    if label not in frame.columns:
        raise InvalidInput(
            _("No column {name} in the table", name=label),
            [FieldError(("label",), _("Not a column"), label)],
        )
    if time_column is not None and time_column not in frame.columns:
        raise InvalidInput(
            _("No column {name} in the table", name=time_column),
            [FieldError(("time_column",), _("Not a column"), time_column)],
        )
    y = read_label(frame[label], label)
    spec = learn_spec(frame, [label, *([time_column] if time_column else [])], categorical)
    x = spec.numbers(frame)
    folds = _forward_folds(frame[time_column], horizon) if time_column else _stratified_folds(y)
    cats = {len(spec.numeric) + i: len(levels) for i, levels in enumerate(spec.categories.values())}
    oof: dict[Kind, FloatArray] = {}
    aucs: dict[str, float] = {}
    for kind in kinds:
        oof[kind], aucs[kind] = _out_of_fold(kind, x, y, folds, cats)
    kind, why = _choose(aucs)
    scored = np.flatnonzero(np.isfinite(oof[kind]))  # rows some fold tested
    method, calibrated = _choose_calibration(oof[kind], y, folds)
    calibrator = _Calibrator.fit(method, oof[kind][scored], y[scored])
    scorer = _Scorer.fit(kind, x, y, cats)
    card = ModelCard(
        kind=kind,
        why=why,
        auc_by_kind=aucs,
        cv_auc=aucs[kind],
        cv_brier=float(np.mean((calibrated[scored] - y[scored]) ** 2)),
        calibration=method,
        calibration_table=calibration_table(calibrated[scored], y[scored]),
        lift_top_decile=top_decile_lift(calibrated[scored], y[scored]),
        rows=len(y),
        churned=int(y.sum()),
        features=spec.features,
        ignored=spec.ignored,
    )
    return ChurnModel(spec, scorer, calibrator, card, calibrated)


Folds = list[tuple[IntArray, IntArray]]


def _stratified_folds(y: IntArray) -> Folds:
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return [(train, test) for train, test in splitter.split(np.zeros(len(y)), y)]


def _forward_folds(times: pd.Series, horizon: Any = None) -> Folds:
    """Six blocks of the distinct times; fold k trains on blocks 0…k−1 (only the rows whose
    time + ``horizon`` is not after block k's first time) and tests on block k."""
    order = pd.Series(pd.factorize(times, sort=True)[0], index=range(len(times)))
    distinct = int(order.max()) + 1
    if distinct < FOLDS + 1:
        reason = _("At least {n} different times are needed to chain folds forward", n=FOLDS + 1)
        raise InvalidInput(reason, [FieldError(("time_column",), reason, None)])
    block = (order.to_numpy() * (FOLDS + 1)) // distinct
    folds = []
    for k in range(1, FOLDS + 1):
        test = np.flatnonzero(block == k)
        known = block < k
        if horizon is not None:
            first = times.iloc[test].min()
            known &= ((times + horizon) <= first).to_numpy(dtype=bool)
        folds.append((np.flatnonzero(known), test))
    return folds


def _out_of_fold(
    kind: Kind, x: FloatArray, y: IntArray, folds: Folds, cats: dict[int, int]
) -> tuple[FloatArray, float]:
    from sklearn.metrics import roc_auc_score

    scores = np.full(len(y), np.nan)
    aucs = []
    for train, test in folds:
        if min(int(y[train].sum()), int(len(train) - y[train].sum())) < MIN_CLASS_ROWS:
            continue  # an early forward fold with (almost) one class has nothing to learn
        scores[test] = _Scorer.fit(kind, x[train], y[train], cats).score(x[test])
        if len(np.unique(y[test])) == 2:
            aucs.append(float(roc_auc_score(y[test], scores[test])))
    if not aucs:
        reason = _("No fold has both churned and staying rows to measure the model on")
        raise InvalidInput(reason, [FieldError(("label",), reason, None)])
    return scores, float(np.mean(aucs))


def _choose(aucs: dict[str, float]) -> tuple[Kind, Message]:
    logit, trees = aucs.get("logistic"), aucs.get("lightgbm")
    if trees is None:
        return "logistic", _("Only the logistic regression was tried")
    if logit is None:
        return "lightgbm", _("Only the gradient-boosted trees were tried")
    if trees >= logit + CLEARLY_BETTER:
        return "lightgbm", _(
            "Gradient-boosted trees: their AUC {trees} is clearly above the logistic "
            "regression's {logit} (by {gap} or more)",
            trees=f"{trees:.3f}",
            logit=f"{logit:.3f}",
            gap=CLEARLY_BETTER,
        )
    return "logistic", _(
        "Logistic regression, the simpler model: the gradient-boosted trees' AUC {trees} is "
        "not clearly above its {logit} (by {gap} or more)",
        trees=f"{trees:.3f}",
        logit=f"{logit:.3f}",
        gap=CLEARLY_BETTER,
    )


def _choose_calibration(
    scores: FloatArray, y: IntArray, folds: Folds
) -> tuple[Calibration, FloatArray]:
    """The method with the lower Brier score where each fold's scores are calibrated by a
    calibrator fitted on the other folds' scores; and those calibrated scores."""
    tested = [test for _train, test in folds if np.isfinite(scores[test]).all()]
    best: tuple[float, Calibration, FloatArray] | None = None
    methods: tuple[Calibration, ...] = ("isotonic", "platt")
    for method in methods:
        out = np.full(len(y), np.nan)
        for k, test in enumerate(tested):
            others = [t for j, t in enumerate(tested) if j != k]
            rest = np.concatenate(others) if others else np.zeros(0, dtype=int)
            if len(np.unique(y[rest])) < 2:
                out[test] = y[rest].mean() if len(rest) else 0.5
                continue
            out[test] = _Calibrator.fit(method, scores[rest], y[rest]).apply(scores[test])
        seen = np.concatenate(tested)
        brier = float(np.mean((out[seen] - y[seen]) ** 2))
        if best is None or brier < best[0]:
            best = (brier, method, out)
    assert best is not None
    return best[1], best[2]


def calibration_table(probability: FloatArray, y: IntArray, bins: int = 10) -> list[CalibrationBin]:
    """Rows in ``bins`` groups of equal size by predicted probability: predicted vs observed."""
    order = np.argsort(probability, kind="stable")
    return [
        CalibrationBin(float(probability[chunk].mean()), float(y[chunk].mean()), len(chunk))
        for chunk in np.array_split(order, bins)
        if len(chunk)
    ]


def top_decile_lift(probability: FloatArray, y: IntArray) -> float:
    """Churn rate among the 10% of rows with the highest risk ÷ the overall churn rate."""
    if len(y) == 0 or y.mean() == 0:
        return math.nan
    top = np.argsort(-probability, kind="stable")[: max(1, math.ceil(len(y) / 10))]
    return float(y[top].mean() / y.mean())


@dataclass
class _Scorer:
    """A fitted base model: raw scores (log-odds) and per-feature contributions. ``cats``
    maps each category's column to its number of levels."""

    kind: Kind
    model: Any
    cats: dict[int, int]
    center: FloatArray  # logistic: the training medians that fill gaps

    @classmethod
    def fit(cls, kind: Kind, x: FloatArray, y: IntArray, cats: dict[int, int]) -> _Scorer:
        if kind == "lightgbm":
            import lightgbm

            data = lightgbm.Dataset(x, label=y, categorical_feature=sorted(cats) or "auto")
            booster = lightgbm.train(_TREES, data, num_boost_round=_ROUNDS)
            return cls(kind, booster, cats, np.zeros(x.shape[1]))
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-empty column's median
            center = np.nanmedian(x, axis=0) if x.size else np.zeros(x.shape[1])
        scorer = cls(kind, None, cats, np.where(np.isfinite(center), center, 0.0))
        model = make_pipeline(StandardScaler(), LogisticRegression(C=LOGIT_C, max_iter=2000))
        scorer.model = model.fit(scorer._design(x)[0], y)
        return scorer

    def score(self, x: FloatArray) -> FloatArray:
        if self.kind == "lightgbm":
            return np.asarray(self.model.predict(x, raw_score=True), dtype=float)
        return np.asarray(self.model.decision_function(self._design(x)[0]), dtype=float)

    def contributions(self, x: FloatArray) -> FloatArray:
        """Per row and feature, its share of the log-odds against an average row."""
        if self.kind == "lightgbm":
            both = np.asarray(self.model.predict(x, pred_contrib=True), dtype=float)
            return both[:, :-1]  # the last column is the average (the bias)
        design, owners = self._design(x)
        scaler, logit = self.model[0], self.model[-1]
        terms = (design - scaler.mean_) / scaler.scale_ * logit.coef_[0]
        out = np.zeros(x.shape)
        for j, feature in enumerate(owners):
            out[:, feature] += terms[:, j]
        return out

    def _design(self, x: FloatArray) -> tuple[FloatArray, list[int]]:
        """Numbers with gaps filled by the training median, on a signed log scale; each
        category one-hot; and the feature each design column belongs to."""
        parts: list[FloatArray] = []
        owners: list[int] = []
        for j in range(x.shape[1]):
            col = x[:, j]
            if j in self.cats:
                parts.extend((col == level).astype(float) for level in range(self.cats[j]))
                owners.extend([j] * self.cats[j])
            else:
                # Signed log: counts and money span orders of magnitude, and a linear term
                # would let one very large account's 232 seats outweigh everything else.
                filled = np.where(np.isfinite(col), col, self.center[j])
                parts.append(np.sign(filled) * np.log1p(np.abs(filled)))
                owners.append(j)
        return np.column_stack(parts), owners


@dataclass(frozen=True)
class _Calibrator:
    method: Calibration
    model: Any

    @classmethod
    def fit(cls, method: Calibration, scores: FloatArray, y: IntArray) -> _Calibrator:
        if method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            return cls(method, iso.fit(scores, y))
        from sklearn.linear_model import LogisticRegression

        platt = LogisticRegression(C=1e6, max_iter=1000)
        return cls(method, platt.fit(scores.reshape(-1, 1), y))

    def apply(self, scores: FloatArray) -> FloatArray:
        if self.method == "isotonic":
            return np.asarray(self.model.predict(scores), dtype=float)
        return np.asarray(self.model.predict_proba(scores.reshape(-1, 1))[:, 1], dtype=float)
