"""The KPI workbook a CS leader forwards: the month's KPIs (metrics) and, on a sheet of its
own, the renewal forecast of the three months after it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.analytics.registry import Unit
from kasasu.domain.periods import add_months
from kasasu.domain.reporting import Reporting
from kasasu.kit.i18n import _
from kasasu.metrics.report import ExtraSheet, build_report, sheet_names
from kasasu.renewals.forecast import renewal_forecast
from kasasu.renewals.schemas import ForecastGroup
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource

FORECAST_MONTHS = 3


def kpi_workbook(
    session: Session, month: date, reporting: Reporting, source: AnalyticsSource = FACTS_ONLY
) -> tuple[bytes, int]:
    """The .xlsx bytes and how many sheets it has."""
    sheet = forecast_sheet(session, month, reporting)
    content = build_report(session, month, reporting, source, extra=[sheet])
    return content, len(sheet_names(reporting.locale, [sheet]))


def forecast_sheet(session: Session, month: date, reporting: Reporting) -> ExtraSheet:
    first = add_months(month.replace(day=1), 1)
    last = add_months(first, FORECAST_MONTHS) - timedelta(days=1)
    # As of the month's end, not the clock: the same data gives the same file.
    found = renewal_forecast(session, first, last, reporting.currency, first, size=1)

    def row(name: str, g: ForecastGroup) -> list[tuple[object, Unit | None]]:
        return [
            (name, None),
            (g.renewals, Unit.COUNT),
            (g.mrr, Unit.MONEY),
            (g.model_expected, Unit.MONEY),
            (g.expected, Unit.MONEY),
            (g.committed, Unit.MONEY),
        ]

    total = _("Total").render(reporting.locale)
    rows = [row(g.label, g) for g in found.months] + [row(total, found.total), [("", None)]]
    rows += [row(g.label, g) for g in found.owners]
    return ExtraSheet(
        title=_("Renewal forecast"),
        note=_(
            "Renewals from {first} to {last} (terms longer than a month): expected renewed MRR "
            "= MRR × odds × (1 + expected expansion {expansion}); by month, then by CSM.",
            first=first.isoformat(),
            last=last.isoformat(),
            expansion=f"{found.expansion:.1%}",
        ),
        headers=[
            _("Month"),
            _("Renewals"),
            _("MRR up for renewal"),
            _("By the model alone"),
            _("Expected renewed MRR"),
            _("Committed"),
        ],
        rows=rows,
    )
