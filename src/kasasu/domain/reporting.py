"""How figures are reported to people: in which zone days begin, in which currency money is
summed, in which language, from which month the fiscal year counts. One value, passed
whole, instead of loose ``zone``/``currency``/``locale`` parameters that drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kasasu.domain.dates import today_in


@dataclass(frozen=True)
class Reporting:
    zone: str = "Asia/Tokyo"
    currency: str = "JPY"
    locale: str = "ja"
    fiscal_year_start: int = 4  # April, the Japanese fiscal year
    gross_margin: float = 1.0  # for the simple LTV
    on: date | None = None  # the day taken as today (a fixed clock for tests); None: today

    def today(self) -> date:
        return self.on or today_in(self.zone)
