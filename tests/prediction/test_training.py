"""What the daily churn model may learn from: nothing after its cut-off, no label from a
fold's test period, and features a rebuilt history gets from the future left out."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kasasu.analytics.models.churn import _forward_folds
from kasasu.prediction.training import NOT_LEARNED, model_inputs, training_days

DAY = date(2026, 12, 4)


def test_training_days_stop_at_the_cut_off_and_keep_a_fortnight_apart() -> None:
    """Snapshots every 7 days for two years before DAY. Horizon 90: the cut-off is
    2026-09-05; the latest day on or before it is 2026-09-04 (DAY − 91); then every second
    week back to a year before the cut-off (2025-09-05)."""
    stored = [DAY - timedelta(days=7 * k) for k in range(105)]
    days = training_days(stored, DAY, 90)
    assert days[-1] == date(2026, 9, 4)
    assert all(d + timedelta(days=90) <= DAY for d in days)
    assert all((b - a).days == 14 for a, b in pairwise(days))
    assert days[0] == date(2025, 9, 5)
    assert len(days) == 27  # 2025-09-05 … 2026-09-04, fortnightly


@given(st.lists(st.integers(0, 900), min_size=1, max_size=60), st.integers(1, 200))
def test_no_training_day_is_after_the_cut_off(offsets: list[int], horizon: int) -> None:
    stored = [DAY - timedelta(days=k) for k in offsets]
    for d in training_days(stored, DAY, horizon):
        assert d + timedelta(days=horizon) <= DAY


def test_forward_folds_leave_out_labels_that_reach_into_the_test_days() -> None:
    """Days 0, 10, …, 110, horizon 25: a fold testing from day t trains only on days d with
    d + 25 ≤ t, whatever block they are in."""
    times = pd.Series(np.repeat(np.arange(0, 120, 10), 3))
    folds = _forward_folds(times, 25)
    for train, test in folds:
        first = times.iloc[test].min()
        assert (times.iloc[train] + 25 <= first).all()
    # Blocks of two days: fold 1 tests from day 20 and no day d has d + 25 ≤ 20; fold 2 tests
    # from day 40 and learns days 0 and 10 (3 rows each), not 20 and 30.
    assert [len(train) for train, _test in folds][:2] == [0, 6]


def test_the_days_to_renewal_are_not_learned() -> None:
    """A backfill computes a past day's days to renewal from today's contract lines: the
    end date of a line still running is today's term end, of a churned one its last day."""
    assert "days_to_renewal" in NOT_LEARNED
    row = model_inputs({"days_to_renewal": 12.0, "events_30d": 3.0}, {"plan": "Pro"})
    assert "days_to_renewal" not in row
    assert (row["events_30d"], row["plan"]) == (3.0, "Pro")
