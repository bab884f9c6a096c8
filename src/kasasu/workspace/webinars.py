"""The events report as pages and the API read it: the events over (a page, live) with the
cohorts' comparison, which runs the KPIs for every segment twice (about 2 s on the demo
company of 2,000 accounts), so it is kept until the data it reads changes and computed
after the daily refresh."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.reporting import Reporting
from kasasu.health.snapshots import latest_refresh_day
from kasasu.models import (
    Account,
    ExchangeRate,
    Segment,
    SegmentMember,
    Subscription,
    WebinarRegistration,
)
from kasasu.warehouse.source import AnalyticsSource
from kasasu.webinars.report import cohort_comparison, default_cohort, webinar_report
from kasasu.webinars.schemas import CohortComparison, WebinarReport
from kasasu.workspace.memo import Recalled, keep, recall

# What the comparison reads: contracts, accounts (their touch models), exchange rates,
# attendance, and segments with their members. A member's exit edits its row without a new
# id, so the latest refresh day (when exits happen) is part of the key too.
COMPARISON_TABLES = (
    Subscription,
    Account,
    ExchangeRate,
    WebinarRegistration,
    Segment,
    SegmentMember,
)


def recall_comparison(
    session: Session, reporting: Reporting, cohort: date, source: AnalyticsSource
) -> Recalled[CohortComparison]:
    month = cohort.replace(day=1)
    return recall(
        session,
        "webinar-cohorts",
        {"cohort": month, "reporting": reporting, "refreshed": latest_refresh_day(session)},
        tables=COMPARISON_TABLES,
        compute=lambda: cohort_comparison(session, reporting, month, source),
        kind=CohortComparison,
    )


def recalled_report(
    session: Session,
    reporting: Reporting,
    now: datetime,
    *,
    cohort: date,
    offset: int,
    limit: int,
    source: AnalyticsSource,
) -> tuple[WebinarReport, Recalled[CohortComparison]]:
    """The report, and its comparison for the caller to keep when it was computed now."""
    compared = recall_comparison(session, reporting, cohort, source)
    report = webinar_report(session, compared.value, now, offset=offset, limit=limit)
    return report, compared


def warm_webinar_report(session: Session, reporting: Reporting, source: AnalyticsSource) -> int:
    """Compute and keep the report's comparison as the page first opens."""
    found = recall_comparison(session, reporting, default_cohort(reporting), source)
    keep(session, found)
    return int(found.fresh)
