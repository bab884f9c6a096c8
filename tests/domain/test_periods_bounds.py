"""Security review F10: a report spans at most 120 months, between 2000 and 2100."""

from __future__ import annotations

from datetime import date

import pytest

from kasasu.domain.periods import Grain, periods
from kasasu.errors import InvalidInput


def test_ten_years_of_months_are_fine_one_more_is_refused() -> None:
    assert len(periods(date(2016, 1, 1), date(2025, 12, 1), Grain.MONTH)) == 120
    with pytest.raises(InvalidInput, match="120"):
        periods(date(2016, 1, 1), date(2026, 1, 1), Grain.MONTH)
    with pytest.raises(InvalidInput, match="120"):
        periods(date(2000, 1, 1), date(2100, 12, 1), Grain.FISCAL_YEAR)


@pytest.mark.parametrize(("first", "last"), [(date(1999, 12, 1), date(2000, 1, 1)),
                                             (date(2100, 12, 1), date(2101, 1, 1))])  # fmt: skip
def test_years_outside_2000_to_2100_are_refused(first: date, last: date) -> None:
    with pytest.raises(InvalidInput, match="2000"):
        periods(first, last, Grain.MONTH)
