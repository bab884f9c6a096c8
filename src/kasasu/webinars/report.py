"""The events report: each event's registrations, attendance and no-shows, and the question
"do our webinars keep customers?".

Accounts that attended at least one event in the 12 months before the cohort's start are
compared with the accounts of the same segment (as it stood that day) that did not, over the
12 months from the start, by the KPI definitions themselves (kasasu.analytics, through
kasasu.metrics): logo churn, GRR, NRR and upsell rate, each group's base being its accounts
paying at the start. Without any segment member that day, accounts are matched by their touch
model. The counts go with the rates: a handful of accounts proves nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.dates import local_midnight
from kasasu.domain.periods import Grain, add_months
from kasasu.domain.reporting import Reporting
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics_by_group
from kasasu.segments.service import list_segments, segment_members
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource
from kasasu.webinars.repository import RegistrationRepository, WebinarRepository
from kasasu.webinars.schemas import (
    CohortComparison,
    CohortFigures,
    EventFigures,
    SegmentComparison,
    WebinarReport,
)
from kasasu.webinars.service import MAX_PAGE, summarise

MONTHS = 12
KPIS = ("logo_churn_rate", "grr", "nrr", "upsell_rate")
NO_TOUCH_MODEL = "—"


def default_cohort(reporting: Reporting) -> date:
    """The latest cohort whose 12 months are over: the month a year before this one."""
    return add_months(reporting.today(), -MONTHS)


def cohort_comparison(
    session: Session, reporting: Reporting, cohort: date, source: AnalyticsSource = FACTS_ONLY
) -> CohortComparison:
    """Attendees' accounts against the others of their segment, over the 12 months from
    ``cohort``'s month (attendance counted in the 12 months before it)."""
    start = cohort.replace(day=1)
    begins = local_midnight(start, reporting.zone)
    window = local_midnight(add_months(start, -MONTHS), reporting.zone)
    attendees = RegistrationRepository(session).attended_accounts(window, begins)
    groups, matched_by = _groups(session, start)
    return CohortComparison(
        comparison=_compare(
            session,
            reporting,
            start,
            attendees=attendees,
            groups=groups,
            matched_by=matched_by,
            source=source,
        ),
        window_start=window,
        cohort_start=begins,
        cohort_end=local_midnight(add_months(start, MONTHS), reporting.zone),
        months=MONTHS,
    )


def webinar_report(
    session: Session,
    compared: CohortComparison,
    now: datetime,
    *,
    offset: int = 0,
    limit: int = 50,
) -> WebinarReport:
    """The events over (a page, live) with the cohorts' comparison."""
    return WebinarReport(
        **compared.model_dump(),
        events=_events(session, now, offset, limit),
        events_total=WebinarRepository(session).count_ended(now),
        partial=compared.cohort_end > now,
    )


def _events(session: Session, now: datetime, offset: int, limit: int) -> list[EventFigures]:
    rows = WebinarRepository(session).ended(now, max(offset, 0), min(max(limit, 1), MAX_PAGE))
    counts = RegistrationRepository(session).counts(r.id for r in rows)
    found = []
    for row in rows:
        c = summarise(row, counts.get(row.id, {}), now).counts
        found.append(
            EventFigures(
                id=row.id,
                title=row.title,
                kind=row.kind,
                starts_at=row.starts_at,
                registered=c.registered,
                attended=c.attended,
                no_shows=c.no_shows,
                attendance_rate=c.attended / c.registered if c.registered else None,
            )
        )
    return found


def _groups(session: Session, day: date) -> tuple[dict[str, set[int]], str]:
    """Accounts by the segment they were in on ``day``; by touch model when no segment had
    a member that day."""
    by_segment = {
        s.name: set(segment_members(session, s.name, day)) for s in list_segments(session)
    }
    by_segment = {name: ids for name, ids in by_segment.items() if ids}
    if by_segment:
        return by_segment, "segment"
    by_touch: dict[str, set[int]] = {}
    for account, touch in WebinarRepository(session).touch_models().items():
        by_touch.setdefault(touch or NO_TOUCH_MODEL, set()).add(account)
    return by_touch, "touch_model"


def _compare(
    session: Session,
    reporting: Reporting,
    start: date,
    *,
    attendees: set[int],
    groups: dict[str, set[int]],
    matched_by: str,
    source: AnalyticsSource,
) -> list[SegmentComparison]:
    sides = {
        f"{side}:{name}": ids & attendees if side == "in" else ids - attendees
        for name, ids in groups.items()
        for side in ("in", "out")
    }
    asked = {key: ids for key, ids in sides.items() if ids}
    # One 12-month period from the cohort's month: a "fiscal year" starting that month.
    query = replace(
        MetricQuery.reported(reporting, KPIS, start, start, Grain.FISCAL_YEAR),
        fiscal_year_start=start.month,
    )
    values = compute_metrics_by_group(session, query, asked, source) if asked else {}
    return [
        SegmentComparison(
            segment=name,
            matched_by="segment" if matched_by == "segment" else "touch_model",
            attendees=_figures(len(sides[f"in:{name}"]), values.get(f"in:{name}", [])),
            others=_figures(len(sides[f"out:{name}"]), values.get(f"out:{name}", [])),
        )
        for name in sorted(groups)
        if sides[f"in:{name}"]  # a segment without attendees answers nothing
    ]


def _figures(members: int, values: list[MetricValue]) -> CohortFigures:
    by = {v.metric: v for v in values}
    churn, upsell = by.get("logo_churn_rate"), by.get("upsell_rate")
    grr, nrr = by.get("grr"), by.get("nrr")
    return CohortFigures(
        members=members,
        accounts=int(churn.denominator or 0) if churn else 0,
        churned=int(churn.numerator or 0) if churn else 0,
        expanded=int(upsell.numerator or 0) if upsell else 0,
        logo_retention=1 - churn.value if churn and churn.value is not None else None,
        grr=grr.value if grr else None,
        nrr=nrr.value if nrr else None,
        expansion_share=upsell.value if upsell else None,
    )
