"""Registration: seats, the waiting list, refusal when full, cancellation and the signed
link; each registration once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.choices import ActivityKind
from kasasu.domain.choices import RegistrationStatus as S
from kasasu.errors import Conflict, NotFound
from kasasu.models import Activity, WebinarRegistration
from kasasu.webinars.links import sign_link
from kasasu.webinars.schemas import WebinarUpdate
from kasasu.webinars.service import (
    cancel_registration,
    get_webinar,
    invite_segment,
    open_link,
    register,
    register_by_link,
    update_webinar,
)
from tests.webinars.conftest import AFTER, BEFORE, World

SECRET = "a-secret-of-at-least-32-characters!!"


def _status(session: Session, world: World, who: str) -> S:
    row = session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.contact_id == world.people[who].id)
    ).one()
    return row.status


def test_two_seats_then_the_waiting_list_and_a_freed_seat_goes_to_the_first(
    session: Session, world: World
) -> None:
    update_webinar(session, world.webinar.id, WebinarUpdate(capacity=2))
    ids = {k: c.id for k, c in world.people.items()}
    for who in ("alice", "bob", "carol", "dave"):
        register(session, ids[who], world.webinar.id, now=BEFORE)
    assert [_status(session, world, w) for w in ("alice", "bob", "carol", "dave")] == [
        S.REGISTERED,
        S.REGISTERED,
        S.WAITLISTED,
        S.WAITLISTED,
    ]
    bob = register(session, ids["bob"], world.webinar.id, now=BEFORE)
    cancel_registration(session, bob.id, BEFORE)
    # Carol waited first: she takes Bob's seat; Dave still waits.
    assert _status(session, world, "carol") is S.REGISTERED
    assert _status(session, world, "dave") is S.WAITLISTED
    counts = get_webinar(session, world.webinar.id, BEFORE).counts
    assert (counts.registered, counts.waitlisted, counts.cancelled) == (2, 1, 1)


def test_a_full_event_without_a_waiting_list_refuses(session: Session, world: World) -> None:
    update_webinar(session, world.webinar.id, WebinarUpdate(capacity=1, waitlist=False))
    register(session, world.people["alice"].id, world.webinar.id, now=BEFORE)
    with pytest.raises(Conflict):
        register(session, world.people["bob"].id, world.webinar.id, now=BEFORE)
    assert get_webinar(session, world.webinar.id, BEFORE).counts.registered == 1


def test_an_event_over_takes_no_registration(session: Session, world: World) -> None:
    with pytest.raises(Conflict):
        register(session, world.people["alice"].id, world.webinar.id, now=AFTER)


def test_the_emailed_link_registers_once(session: Session, world: World) -> None:
    outcome = invite_segment(session, world.webinar.id, "low-touch", BEFORE.date(), BEFORE)
    # Four contacts with an address are invited; the one without is counted apart.
    assert (outcome.invited, outcome.already, outcome.without_email) == (4, 0, 1)
    again = invite_segment(session, world.webinar.id, "low-touch", BEFORE.date(), BEFORE)
    assert (again.invited, again.already) == (0, 4)
    row = session.scalars(
        select(WebinarRegistration).where(
            WebinarRegistration.contact_id == world.people["alice"].id
        )
    ).one()
    link = sign_link(SECRET, row.id, row.token)
    first = register_by_link(session, SECRET, link, BEFORE, None)
    second = register_by_link(session, SECRET, link, BEFORE, None)
    assert first.status is second.status is S.REGISTERED
    assert first.registered_at == second.registered_at == BEFORE
    registered = session.scalars(
        select(Activity).where(Activity.kind == ActivityKind.EVENT_REGISTRATION)
    ).all()
    assert [(a.contact_id, a.external_id) for a in registered] == [
        (world.people["alice"].id, f"webinar-{row.id}-registered")
    ]


def test_a_forged_or_altered_link_opens_nothing(session: Session, world: World) -> None:
    invite_segment(session, world.webinar.id, "low-touch", BEFORE.date(), BEFORE)
    row = session.scalars(select(WebinarRegistration).limit(1)).one()
    assert (
        open_link(
            session, SECRET, sign_link("another-secret-of-32-characters!!!", row.id, row.token)
        )
        is None
    )
    assert open_link(session, SECRET, sign_link(SECRET, row.id, "not-the-token")) is None
    assert open_link(session, SECRET, "garbage") is None
    with pytest.raises(NotFound):
        register_by_link(session, SECRET, "garbage", BEFORE, None)
    assert open_link(session, SECRET, sign_link(SECRET, row.id, row.token)) is not None
