"""A Stripe subscription's events give the same contract lines in any order, and a trial,
an upgrade and a removed item become the versions a person would write down."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasasu.connectors import stripe_objects as so
from kasasu.connectors.stripe import receive_event
from kasasu.connectors.stripe_lines import Snapshot, planned_lines
from kasasu.domain.choices import SubscriptionStatus
from kasasu.errors import InvalidInput
from kasasu.models import ConnectorEvent
from tests.connectors import stripe_events as se

ZONE = "Asia/Tokyo"


def _snapshots(events: list[str]) -> list[Snapshot]:
    out = []
    for raw in events:
        e = json.loads(raw)
        at = so.instant(e["created"])
        assert at is not None
        out.append(Snapshot(at, e["id"], so.subscription(e["data"]["object"])))
    return out


def _story() -> list[str]:
    events = se.story()
    return [events[k] for k in ("evt_2", "evt_3", "evt_5")]


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(3)), st.lists(st.integers(0, 2), max_size=3))
def test_any_order_and_repeats_give_the_same_lines(order: list[int], again: list[int]) -> None:
    events = _story()
    shuffled = [events[i] for i in order] + [events[i] for i in again]
    unique = list({json.loads(e)["id"]: e for e in shuffled}.values())  # stored once by id
    assert planned_lines(_snapshots(unique), ZONE) == planned_lines(_snapshots(events), ZONE)


def test_a_trial_then_paying_is_two_versions() -> None:
    trial = se.subscription(
        3,
        "2026-02-01T00:00:00+09:00",
        status="trialing",
        trial_end=se.ts("2026-02-01T00:00:00+09:00"),
    )
    paying = se.subscription(
        3, "2026-03-01T00:00:00+09:00", trial_end=se.ts("2026-02-01T00:00:00+09:00")
    )
    events = [
        se.event("e1", "customer.subscription.created", "2026-01-10T10:00:00+09:00", trial),
        # Stripe tells of the trial's end a little after it: the version starts on the day
        # the trial ended (1 February), not on the day the event was sent.
        se.event("e2", "customer.subscription.updated", "2026-02-02T08:00:00+09:00", paying),
    ]
    rows, problems = planned_lines(_snapshots(events), ZONE)
    assert problems == []
    assert [(r["external_id"], r["status"], r["start_date"], r["end_date"]) for r in rows] == [
        ("si_A", SubscriptionStatus.TRIAL, date(2026, 1, 10), date(2026, 1, 31)),
        ("si_A@2026-02-01", SubscriptionStatus.ACTIVE, date(2026, 2, 1), date(2026, 2, 28)),
    ]
    assert rows[1]["amount"] == 30_000
    assert rows[1]["auto_renew"] is True


def test_a_per_unit_tiered_price_is_left_out_with_its_event() -> None:
    tiered = se.subscription(2, "2026-02-10T10:00:00+09:00")
    tiered["items"]["data"][0]["price"]["unit_amount"] = None
    events = [se.event("e1", "customer.subscription.created", "2026-01-10T10:00:00+09:00", tiered)]
    rows, problems = planned_lines(_snapshots(events), ZONE)
    assert rows == []
    assert [(p.event_id, p.item_id) for p in problems] == [("e1", "si_A")]


def test_an_object_kasasu_cannot_read_is_refused_before_it_is_stored(session: Session) -> None:
    broken = json.loads(se.story()["evt_2"])
    del broken["data"]["object"]["items"]["data"][0]["price"]["currency"]
    with pytest.raises(InvalidInput) as refused:
        receive_event(session, broken, ZONE)
    assert "currency" in str(refused.value.message)
    assert session.scalar(select(func.count()).select_from(ConnectorEvent)) == 0
