"""Attendance from the three vendors' exports (examples/webinars/), counted by hand, and the
no-shows. In every sample: Alice (ACME) 55 minutes, Bob (ACME, address in capitals) 50,
Dave (BETA) 30 though he never registered, one address of no contact, one person without an
address; Carol (BETA) registered and did not come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.choices import ActivityKind
from kasasu.domain.choices import RegistrationStatus as S
from kasasu.errors import InvalidInput
from kasasu.imports.attendance import import_attendance, read_attendance
from kasasu.models import Activity, WebinarRegistration
from kasasu.webinars.attendance import check_in, settle_no_shows
from kasasu.webinars.service import get_webinar, no_show, register
from tests.webinars.conftest import AFTER, BEFORE, ENDS, STARTS, World

EXAMPLES = Path(__file__).parents[2] / "examples" / "webinars"
ZONE = "Asia/Tokyo"


def _register(session: Session, world: World, *who: str) -> None:
    for name in who:
        register(session, world.people[name].id, world.webinar.id, now=BEFORE)


def _attended(session: Session) -> dict[int, tuple[datetime | None, int | None, str | None]]:
    rows = session.scalars(select(WebinarRegistration)).all()
    return {
        r.contact_id: (r.attended_at, r.attended_minutes, r.attendance_source)
        for r in rows
        if r.attended_at is not None
    }


@pytest.mark.parametrize(
    ("sample", "vendor", "unmatched", "alice_joined"),
    [
        ("zoom-webinar-attendees.csv", "zoom", ["guest@else.example"], (5, 0, 30)),
        (
            "teams-attendance.csv",  # UTF-16 TSV with its Summary and Activities sections
            "teams",
            ["host@kasasu.example", "other@else.example"],
            (5, 0, 30),
        ),
        # Meet's times of day are not read (no date): the event's start stands in.
        ("meet-attendance.csv", "meet", ["guest@else.example"], (5, 0, 0)),
    ],
)
def test_each_vendor_sample_by_hand(
    session: Session,
    world: World,
    sample: str,
    vendor: str,
    unmatched: list[str],
    alice_joined: tuple[int, int, int],
) -> None:
    _register(session, world, "alice", "bob", "carol")
    data = (EXAMPLES / sample).read_bytes()
    outcome = import_attendance(session, world.webinar.id, data, sample, zone=ZONE, now=AFTER)
    assert outcome.vendor == vendor
    assert (outcome.attended, outcome.walk_ins, outcome.no_shows) == (3, 1, 1)
    assert outcome.unmatched == unmatched
    assert outcome.without_email == 1
    p = world.people
    hour, minute, second = alice_joined
    assert _attended(session) == {
        p["alice"].id: (datetime(2026, 11, 20, hour, minute, second, tzinfo=UTC), 55, vendor),
        p["bob"].id: (
            STARTS + timedelta(minutes=10) if vendor != "meet" else STARTS,
            50,
            vendor,
        ),
        p["dave"].id: (
            STARTS + timedelta(minutes=20) if vendor != "meet" else STARTS,
            30,
            vendor,
        ),
    }
    counts = get_webinar(session, world.webinar.id, AFTER).counts
    assert (counts.registered, counts.attended, counts.no_shows) == (4, 3, 1)
    attended = session.scalars(
        select(Activity.contact_id).where(Activity.kind == ActivityKind.WEBINAR)
    ).all()
    assert sorted(attended) == sorted([p["alice"].id, p["bob"].id, p["dave"].id])


def test_importing_again_changes_nothing(session: Session, world: World) -> None:
    _register(session, world, "alice", "carol")
    data = (EXAMPLES / "zoom-webinar-attendees.csv").read_bytes()
    import_attendance(session, world.webinar.id, data, "z.csv", zone=ZONE, now=AFTER)
    before = _attended(session)
    again = import_attendance(session, world.webinar.id, data, "z.csv", zone=ZONE, now=AFTER)
    assert (again.attended, again.walk_ins) == (0, 0)
    assert _attended(session) == before
    activities = session.scalars(select(Activity.external_id)).all()
    assert len(activities) == len(set(activities))


def test_not_an_attendance_export_is_refused_by_name(session: Session, world: World) -> None:
    with pytest.raises(InvalidInput, match=r"list\.csv is no Zoom, Teams or Google Meet"):
        read_attendance(b"name,phone\nA,1\n", "list.csv", ZONE)


def test_no_show_is_registered_the_event_over_and_not_attended() -> None:
    assert no_show(S.REGISTERED, None, ENDS, ENDS)
    assert not no_show(S.REGISTERED, None, ENDS, ENDS - timedelta(seconds=1))  # not over
    assert not no_show(S.REGISTERED, STARTS, ENDS, AFTER)  # came
    for status in (S.INVITED, S.WAITLISTED, S.CANCELLED):  # held no seat
        assert not no_show(status, None, ENDS, AFTER)


def test_no_shows_are_recorded_once_attendance_is_final_and_corrected_later(
    session: Session, world: World
) -> None:
    _register(session, world, "alice", "bob", "carol")
    # Over, but nothing taken yet and not two days on: no-shows are not final.
    assert settle_no_shows(session, AFTER) == 0
    check_in(session, world.webinar.id, [_reg(session, world, "alice").id], now=AFTER)
    assert settle_no_shows(session, AFTER) == 2  # Bob and Carol
    assert settle_no_shows(session, AFTER) == 0  # once
    later = AFTER + timedelta(days=1)
    data = (EXAMPLES / "zoom-webinar-attendees.csv").read_bytes()
    import_attendance(session, world.webinar.id, data, "z.csv", zone=ZONE, now=later)
    # Bob came after all: his no-show and its activity are gone; Carol's stays.
    assert _reg(session, world, "bob").no_show_at is None
    kept = session.scalars(
        select(Activity.contact_id).where(Activity.kind == ActivityKind.EVENT_NO_SHOW)
    ).all()
    assert kept == [world.people["carol"].id]


def _reg(session: Session, world: World, who: str) -> WebinarRegistration:
    return session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.contact_id == world.people[who].id)
    ).one()
