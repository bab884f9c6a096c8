"""The three customer lifetime values of DESIGN.md §4, as small pure functions.

Units: money goes in as minor units of the reporting currency (yen for JPY; an average such
as ARPA may be fractional) and comes out as float minor units. Rates are fractions
(0.02 = 2%), not percentages; periods are whatever period the rates are per (a month for
the simple LTV). Where a value is not defined (no churn means an unbounded lifetime under a
constant churn rate), the functions return ``None`` so a screen can say "not defined"
rather than show infinity; bad input raises :class:`~kasasu.errors.InvalidInput`.
"""

from __future__ import annotations

from kasasu.analytics.models.sbg import SBGModel, require_number


def ltv_simple(arpa: float, gross_margin: float, monthly_logo_churn_rate: float) -> float | None:
    """ARPA × gross margin ÷ monthly logo churn rate; ``None`` when churn is 0.

    ``arpa`` in minor units per month, ``gross_margin`` in [0, 1], churn in [0, 1].
    """
    arpa = require_number("arpa", arpa, at_least=0)
    margin = _fraction("gross_margin", gross_margin)
    churn = _fraction("monthly_logo_churn_rate", monthly_logo_churn_rate)
    if churn == 0.0:
        return None
    return arpa * margin / churn


def retention_periods_from_churn(churn_rate: float) -> float | None:
    """Expected periods a customer stays, 1 ÷ churn rate; ``None`` when churn is 0.

    This is the mean of a geometric lifetime: the churn rate is taken as constant.
    """
    churn = _fraction("churn_rate", churn_rate)
    if churn == 0.0:
        return None
    return 1.0 / churn


def ltv_seed(
    average_purchase_amount: float,
    purchase_frequency_per_period: float,
    retention_periods: float | None,
) -> float | None:
    """平均購入額 × 購入頻度 × 顧客維持期間 (average purchase × frequency × retention).

    ``average_purchase_amount`` in minor units, frequency in purchases per period and
    ``retention_periods`` in the same periods. ``None`` retention (from
    :func:`retention_periods_from_churn` with no churn) gives ``None``.
    """
    amount = require_number("average_purchase_amount", average_purchase_amount, at_least=0)
    frequency = require_number(
        "purchase_frequency_per_period", purchase_frequency_per_period, at_least=0
    )
    if retention_periods is None:
        return None
    periods = require_number("retention_periods", retention_periods, at_least=0)
    return amount * frequency * periods


def ltv_projected(model: SBGModel, value_per_period: float, discount_rate: float) -> float:
    """Expected discounted value of a new customer under a fitted sBG model.

    The customer pays ``value_per_period`` (minor units) at the start of each period;
    ``discount_rate`` is per period and must be above 0. See
    :meth:`SBGModel.expected_lifetime_value`.
    """
    return model.expected_lifetime_value(value_per_period, discount_rate)


def account_lifetime_value(
    model: SBGModel,
    value_per_period: float,
    paid_periods: int,
    discount_rate: float,
    *,
    risk: float | None = None,
    horizon_periods: int = 3,
) -> float:
    """Expected discounted residual value of a paying account: what it will still pay.

    Without ``risk``: ``value_per_period`` × DERL of an account that has paid
    ``paid_periods`` periods (:meth:`SBGModel.residual_lifetime`), the cohort's odds at its
    tenure. With the account's own probability ``risk`` of churning within
    ``horizon_periods``, that probability replaces the cohort's over the horizon (spread
    evenly: still paying k periods ahead with probability (1 − risk)^(k/h)) and the cohort's
    odds take over after it, for the accounts that stay:
    m · [Σ_{k=1..h} (1 − risk)^(k/h) · (1+d)^−(k−1) + (1 − risk) · (1+d)^−h · DERL(n + h)].
    """
    m = require_number("value_per_period", value_per_period, at_least=0)
    if risk is None:
        return m * model.residual_lifetime(paid_periods, discount_rate)
    stay = 1.0 - _fraction("risk", risk)
    h = int(require_number("horizon_periods", horizon_periods, at_least=1))
    q = 1.0 / (1.0 + require_number("discount_rate", discount_rate, above=0))
    within = float(sum(stay ** (k / h) * q ** (k - 1) for k in range(1, h + 1)))
    after = stay * q**h * model.residual_lifetime(paid_periods + h, discount_rate)
    return m * (within + after)


def _fraction(name: str, value: float) -> float:
    return require_number(name, value, at_least=0, at_most=1)
