"""The projected LTV: pooled cohort survival (by hand) and the sBG value it leads to."""

from __future__ import annotations

from datetime import date

import pytest

from kasasu.analytics.kpis_ltv import SCALE, YEARLY_DISCOUNT, pooled_survivors
from kasasu.analytics.models.sbg import SBGModel

JAN, FEB = date(2026, 2, 1), date(2026, 3, 1)  # the end of each cohort's first month


def test_pooled_survival_multiplies_monthly_retention_over_the_cohorts_seen() -> None:
    counts = {(JAN, 0): 100, (JAN, 1): 80, (JAN, 2): 64, (FEB, 0): 50, (FEB, 1): 40}
    # By Apr 1 both cohorts are seen one month on (Mar 1, Apr 1): (80 + 40) ÷ (100 + 50)
    # = 0.8; only January is seen two months on (Apr 1): 64 ÷ 80 = 0.8. Survival 1, .8, .64.
    assert pooled_survivors(counts, date(2026, 4, 1)) == [SCALE, 800_000, 640_000]
    # On Mar 1 only January is seen one month on: 80 ÷ 100.
    assert pooled_survivors(counts, date(2026, 3, 1)) == [SCALE, 800_000]


def test_pooled_survival_stops_where_nobody_is_left() -> None:
    counts = {(JAN, 0): 10, (JAN, 1): 0, (JAN, 2): 0}
    assert pooled_survivors(counts, date(2027, 1, 1)) == [SCALE, 0]


def test_projected_value_is_the_models_discounted_lifetime_revenue() -> None:
    # α = β = 1: S(t) = 1/(t+1); at a monthly rate d the value of ¥10,000 a month is
    # 10,000 × Σ 1/((t+1)(1+d)^t) = 10,000 × (1+d) × ln((1+d)/d).
    d = (1 + YEARLY_DISCOUNT) ** (1 / 12) - 1
    expected = 10_000 * (1 + d) * __import__("math").log((1 + d) / d)
    assert SBGModel(1.0, 1.0).expected_lifetime_value(10_000, d) == pytest.approx(
        expected, rel=1e-9
    )
