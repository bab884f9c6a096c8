"""The events report on a hand-made base (tests/webinars/report_data.py): each event's
figures, and attendees against the others of their segment by the KPI definitions; every
expected value worked out by hand from the contract lines."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.reporting import Reporting
from kasasu.models import WebinarRegistration
from kasasu.warehouse.source import FACTS_ONLY
from kasasu.webinars.report import cohort_comparison, webinar_report
from kasasu.webinars.schemas import CohortFigures, WebinarReport
from kasasu.workspace.memo import keep
from kasasu.workspace.webinars import recalled_report
from tests.webinars.report_data import NOW, add_base, add_events

REPORTING = Reporting(zone="Asia/Tokyo", currency="JPY", locale="en", on=NOW.date())
COHORT = date(2026, 1, 1)


def _report(session: Session, cohort: date = COHORT, **page: int) -> WebinarReport:
    return webinar_report(session, cohort_comparison(session, REPORTING, cohort), NOW, **page)


def _figures(f: CohortFigures) -> tuple[object, ...]:
    """(members, accounts, churned, expanded, retention, GRR, NRR, upsell rate), rounded."""
    rates = (f.logo_retention, f.grr, f.nrr, f.expansion_share)
    return (f.members, f.accounts, f.churned, f.expanded,
            *(None if r is None else round(r, 6) for r in rates))  # fmt: skip


def test_each_event_over_has_its_registrations_attendance_and_no_shows(session: Session) -> None:
    add_events(session, add_base(session))
    report = _report(session)
    # March: A3 came. June: five seats (A1, A2, E1, X came; A3 did not); the waiting and the
    # cancelled hold none. The called-off event and the one to come are not listed.
    lines = [(e.title["en"], e.registered, e.attended, e.no_shows, e.attendance_rate)
             for e in report.events]  # fmt: skip
    assert lines == [("March", 1, 1, 0, 1.0), ("June", 5, 4, 1, 0.8)]
    assert report.events_total == 2
    page = _report(session, offset=1, limit=1)
    assert [e.title["en"] for e in page.events] == ["June"]
    assert page.events_total == 2


def test_attendees_are_compared_with_the_others_of_their_segment(session: Session) -> None:
    add_events(session, add_base(session))
    report = _report(session)
    assert not report.partial
    by = {c.segment: c for c in report.comparison}
    assert sorted(by) == ["ent", "smb"]  # "quiet" has no attendee; X is in no segment
    smb = by["smb"]
    assert smb.matched_by == "segment"
    # A1 + A2 paid 30,000 at the start; A2 (20,000) churned; A1 ends at 15,000 (upsell).
    assert _figures(smb.attendees) == (2, 2, 1, 1, 0.5, 0.333333, 0.5, 0.5)
    # A3 + A4 paid 20,000; A4 (10,000) churned; A5 was not paying at the start.
    assert _figures(smb.others) == (3, 2, 1, 0, 0.5, 0.5, 0.5, 0.0)
    assert _figures(by["ent"].attendees) == (1, 1, 0, 0, 1.0, 1.0, 1.0, 0.0)
    assert _figures(by["ent"].others) == (1, 1, 1, 0, 0.0, 0.0, 0.0, 0.0)


def test_without_segments_accounts_are_matched_by_touch_model(session: Session) -> None:
    add_events(session, add_base(session, segments=False))
    report = _report(session)
    by = {c.segment: c for c in report.comparison}
    # Low touch: A1, A2 came, A3 did not; high: E1 came; without one: X came, A4, A5, E2 not.
    assert sorted(by) == ["high", "low", "—"]
    assert {c.matched_by for c in report.comparison} == {"touch_model"}
    assert (by["low"].attendees.members, by["low"].others.members) == (2, 1)
    assert _figures(by["low"].others) == (1, 1, 0, 0, 1.0, 1.0, 1.0, 0.0)
    # X 10,000 kept; A4 10,000 and E2 100,000 churned of 110,000; A5 not paying at start.
    assert _figures(by["—"].attendees) == (1, 1, 0, 0, 1.0, 1.0, 1.0, 0.0)
    assert _figures(by["—"].others) == (3, 2, 2, 0, 0.0, 0.0, 0.0, 0.0)
    assert (by["high"].attendees.accounts, by["high"].others.members) == (1, 0)


def test_twelve_months_not_over_are_flagged(session: Session) -> None:
    add_base(session)
    report = _report(session, date(2026, 12, 1))
    assert report.partial
    assert report.comparison == []  # no event, no attendee


def test_the_comparison_is_kept_until_attendance_changes(session: Session) -> None:
    """The costly half is computed once, read back while nothing it reads changed, and
    computed again once an attendance is recorded."""
    add_events(session, add_base(session))

    def read() -> tuple[WebinarReport, bool]:
        report, compared = recalled_report(
            session, REPORTING, NOW, cohort=COHORT, offset=0, limit=50, source=FACTS_ONLY
        )
        keep(session, compared)
        return report, compared.fresh

    first, computed = read()
    again, recomputed = read()
    assert (computed, recomputed) == (True, False)
    assert again == first
    seat = session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.attended_at.is_(None))
    ).first()
    assert seat is not None
    seat.attended_at = NOW - timedelta(days=300)
    session.flush()
    _changed, after_change = read()
    assert after_change
