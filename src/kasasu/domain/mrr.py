"""A contract line's MRR: the one rule of DESIGN.md §4, written once.

A line's MRR in the reporting currency is round-half-up(amount × fx ÷ months), where
``amount`` is its price per billing interval in its currency's minor unit, ``months`` the
length of its billing interval (``BillingInterval.months``) and ``fx`` the factor from its
currency's minor unit to the reporting currency's: the latest rate on or before the day
times 10^(digits difference) (``fx_factor``). A line in the reporting currency converts at
exactly 1. The result is an integer minor unit of the reporting currency; an account's MRR
is the sum of its lines'.

The arithmetic is IEEE double in this order, so that Python, the Ibis expression of
``kasasu.analytics.revenue`` (DuckDB, PostgreSQL, Spark) and the SQL of the operational
database give the same integer for the same line (a Hypothesis test checks it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

from kasasu.domain.choices import BillingInterval
from kasasu.domain.money import minor_digits


def interval_months() -> dict[str, int]:
    """Months per billing interval, by the interval's stored value (month → 1, year → 12)."""
    return {interval.value: interval.months for interval in BillingInterval}


def minor_unit_scale(currency: str, reporting: str) -> float:
    """10^(digits difference): a rate of 150 JPY per USD is 1.5 yen per cent."""
    return 10.0 ** (minor_digits(reporting) - minor_digits(currency))


def currency_scales(currencies: Iterable[str], reporting: str) -> dict[str, float]:
    """``minor_unit_scale`` of each foreign currency (the reporting one is left out)."""
    return {c: minor_unit_scale(c, reporting) for c in sorted(set(currencies) - {reporting})}


def fx_factor(rate: Decimal | float, currency: str, reporting: str) -> float:
    """Minor units of ``reporting`` per minor unit of ``currency``, given ``rate`` (units of
    ``reporting`` per unit of ``currency``)."""
    if currency == reporting:
        return 1.0
    return float(rate) * minor_unit_scale(currency, reporting)


def round_half_up(value: float) -> int:
    """Round half up to an integer (MRR is never negative)."""
    return math.floor(value + 0.5)


def line_mrr(amount: int, interval: BillingInterval | str, fx: float = 1.0) -> int:
    """One line's MRR in minor units: ``amount`` per ``interval`` at factor ``fx``.

    ``fx`` = 1 (the default) gives the MRR in the line's own currency.
    """
    months = BillingInterval(interval).months
    return round_half_up(float(amount) * fx / months)
