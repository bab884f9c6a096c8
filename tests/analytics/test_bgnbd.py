"""BG/NBD and Gamma-Gamma against the published CDNOW results.

The data: the 2,357 customers of the CDNOW sample (Fader, Hardie & Lee 2005), as the
``lifetimes`` package ships the raw purchase log (CDNOW_sample.txt: customer, date, CDs,
dollars). The summary is made here as the papers make it: purchases on one day are one
transaction; the calibration period is the 39 weeks 1997-01-01 to 1997-09-30; x counts the
repeat transactions, t_x the weeks from the first to the last, T the weeks from the first to
the end; the monetary value is the mean of the repeat transactions' dollars.

Published: r = 0.243, α = 4.414, a = 0.793, b = 2.426 and, for customer 1 (x = 2, t_x =
30.43, T = 38.86), 1.226 expected purchases in the next 39 weeks (FHL 2005, Table 1 and
§5); p = 6.25, q = 3.74, γ = 15.44 over the 946 customers with a repeat purchase (Fader &
Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
"""

from __future__ import annotations

from importlib.metadata import distribution
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kasasu.analytics import fit_bgnbd, fit_gamma_gamma
from kasasu.errors import InvalidInput

END = pd.Timestamp("1997-09-30")


def _cdnow_log() -> Path:
    """The raw log inside the installed ``lifetimes`` package, found without importing it."""
    found = [f for f in distribution("lifetimes").files or [] if f.name == "CDNOW_sample.txt"]
    assert found, "lifetimes (a dev dependency) ships CDNOW_sample.txt"
    return Path(str(found[0].locate()))


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    raw = pd.read_csv(
        _cdnow_log(), sep=r"\s+", header=None, names=["master", "id", "date", "cds", "dollars"]
    )
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    days = raw.groupby(["id", "date"], as_index=False)["dollars"].sum()
    cal = days[days["date"] <= END].sort_values(["id", "date"])
    first = cal.groupby("id")["date"].transform("min")
    cal = cal.assign(repeat=cal["date"] > first)
    by = cal.groupby("id")
    summary = pd.DataFrame(
        {
            "x": by["repeat"].sum(),
            "t_x": (by["date"].max() - by["date"].min()).dt.days / 7,
            "T": (END - by["date"].min()).dt.days / 7,
            "m": cal[cal["repeat"]].groupby("id")["dollars"].mean(),
        }
    )
    assert len(summary) == 2357
    return summary


def _near(value: float, published: float) -> bool:
    return abs(value - published) <= 0.01 * published


def test_bgnbd_reproduces_the_published_cdnow_fit(cdnow: pd.DataFrame) -> None:
    model = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    fitted = (model.r, model.alpha, model.a, model.b)
    published = (0.243, 4.414, 0.793, 2.426)
    assert all(_near(v, p) for v, p in zip(fitted, published, strict=True)), fitted
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.5)  # FHL 2005, Table 1
    one = model.expected_purchases(39, [2], [30.43], [38.86])
    assert _near(float(one[0]), 1.226)


def test_prob_alive_is_one_without_repeats_and_falls_with_silence(cdnow: pd.DataFrame) -> None:
    model = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    alive = model.prob_alive([0, 3, 3], [0, 38, 5], [38.86, 38.86, 38.86])
    assert alive[0] == 1.0  # the BG/NBD's own assumption: no drop-out before a repeat
    assert alive[1] > alive[2]  # the same buyer, silent for 34 weeks rather than 1


def test_gamma_gamma_reproduces_the_published_cdnow_fit(cdnow: pd.DataFrame) -> None:
    repeat = cdnow[cdnow["x"] > 0]
    assert len(repeat) == 946
    model = fit_gamma_gamma(cdnow["x"], cdnow["m"].fillna(0))  # x = 0 rows are left out
    fitted = (model.p, model.q, model.gamma)
    assert all(_near(v, p) for v, p in zip(fitted, (6.25, 3.74, 15.44), strict=True)), fitted
    # The expectation lies between the customer's own mean and the population's.
    population = model.gamma * model.p / (model.q - 1)
    [expected] = model.expected_average_value([2], [50.0])
    assert population < expected < 50.0


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        fit_bgnbd([1, 2], [5.0, 40.0], [30.0, 30.0])  # recency beyond T
    assert ("recency",) in [e.loc for e in raised.value.errors]
    with pytest.raises(InvalidInput):
        fit_gamma_gamma(np.array([0, 0, 1]), np.array([0.0, 0.0, 5.0]))


def test_purchase_history_by_hand() -> None:
    """Purchases on days 0, 3, 3 and 10 worth 100, 50, 70 and 200, observed to day 14: the
    two on day 3 are one purchase of 120; two repeats; recency 10 days, T 14 days (in weeks);
    the mean of the repeats (120 + 200) ÷ 2 = 160, the first purchase left out."""
    from kasasu.analytics import purchase_history

    seen = purchase_history([0, 3, 3, 10], [100, 50, 70, 200], end=14)
    assert (seen.frequency, seen.recency, seen.T, seen.monetary_value) == (2, 10 / 7, 2.0, 160.0)
    once = purchase_history([-20], [500.0], end=0, days_per_period=1.0)
    assert (once.frequency, once.recency, once.T) == (0, 0.0, 20.0)
    assert once.monetary_value != once.monetary_value  # nan: no repeat purchase


def test_purchase_history_refuses_a_purchase_at_or_after_the_end() -> None:
    import pytest

    from kasasu.analytics import purchase_history
    from kasasu.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        purchase_history([0, 14], [1.0, 2.0], end=14)
    assert caught.value.errors[0].loc == ("end",)
