"""Which accounts each trigger fires for on DAY, and for which occurrence (world.py)."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.models import Invoice, Milestone, SurveyResponse, Ticket
from kasasu.playbooks.definitions import validate_playbook
from kasasu.playbooks.planning import PlaybookConfig, plan_day
from kasasu.playbooks.service import save_playbook
from kasasu.playbooks.trigger_schemas import RenewalDue, Trigger
from kasasu.playbooks.triggers import TRIGGERS, trigger_words
from tests.playbooks.world import DAY, build_world

CONFIG = PlaybookConfig("Asia/Tokyo", "JPY", "ja", "http://kasasu.test")


def fired(session: Session, trigger: dict[str, Any], when: str | None = None) -> dict[int, str]:
    data = {
        "name": "t",
        "title": "t",
        "trigger": trigger,
        "cooldown_days": 0,
        "actions": [{"type": "task", "title": "{{ account.name }}"}],
    }
    if when:
        data["when"] = when
    save_playbook(session, validate_playbook(data))
    plan = plan_day(session, DAY, CONFIG, only=["t"])
    return {p.firing.account_id: p.firing.window for p in plan.planned}


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    return build_world(session)


def test_band_change_to_red(session: Session, ids: dict[str, int]) -> None:
    # P1 yellow → red; P3 was red already.
    assert fired(session, {"type": "band_changed", "to": "red"}) == {ids["P1"]: "2026-06-10"}


def test_score_drop(session: Session, ids: dict[str, int]) -> None:
    # P1 55 → 35 (20 points); P3 30 → 25 (5).
    assert fired(session, {"type": "score_dropped", "points": 15, "days": 1}) == {
        ids["P1"]: "2026-06-10"
    }


def test_usage_drop_and_no_login(session: Session, ids: dict[str, int]) -> None:
    assert set(fired(session, {"type": "usage_dropped", "below": -0.3})) == {ids["P1"]}
    # P3: 20 days without use; its silence began on 2026-05-21, the same window every day.
    assert fired(session, {"type": "no_login", "days": 14}) == {
        ids["P3"]: "silent-since:2026-05-21"
    }


def test_risk_above_fires_strictly_above(session: Session, ids: dict[str, int]) -> None:
    # P1 0.62 > 0.5; P2 exactly 0.5 is not above; P3 has no risk (no model yet).
    assert fired(session, {"type": "risk_above", "above": 0.5}) == {ids["P1"]: "2026-06-10"}
    assert fired(session, {"type": "risk_above", "above": 0.7}) == {}


def test_renewals_fire_once_per_renewal_date(session: Session, ids: dict[str, int]) -> None:
    assert fired(session, {"type": "renewal_due", "days": 30}) == {ids["P1"]: "renewal:2026-07-10"}
    # P2 renews in 75 days: outside (76, 90] …
    assert fired(session, {"type": "renewal_due", "days": 90}) == {}
    # … inside (60, 90].
    assert fired(session, {"type": "renewal_due", "days": 90, "catch_up_days": 30}) == {
        ids["P2"]: "renewal:2026-08-24"
    }


@given(days=st.integers(0, 400), catch_up=st.integers(1, 400), left=st.integers(0, 800))
def test_renewal_window_is_the_catch_up_interval(days: int, catch_up: int, left: int) -> None:
    """A renewal ``left`` days away fires iff days − catch_up < left ≤ days."""
    from kasasu.playbooks.triggers.measures import _renewal_due

    class Facts:
        day = DAY

        def features(self) -> dict[int, dict[str, Any]]:
            return {1: {"days_to_renewal": left}}

    trigger = RenewalDue(type="renewal_due", days=days, catch_up_days=catch_up)
    assert bool(_renewal_due(trigger, Facts())) == (days - catch_up < left <= days)  # type: ignore[arg-type]


def test_new_account_schedule_and_condition(session: Session, ids: dict[str, int]) -> None:
    assert fired(session, {"type": "new_account", "within_days": 7}) == {ids["P2"]: "new"}
    # 2026-06-10 is a Wednesday: weekly on day 3 fires for every paying account (not P4).
    assert fired(session, {"type": "schedule", "every": "week", "day": 3}) == {
        ids[n]: "2026-W24" for n in ("P1", "P2", "P3")
    }
    assert fired(session, {"type": "schedule", "every": "week", "day": 2}) == {}
    assert fired(session, {"type": "schedule", "every": "month", "day": 1}) == {}
    assert fired(
        session, {"type": "schedule", "every": "day"}, when='band == "green" and mrr >= 40000'
    ) == {ids["P2"]: "2026-06-10"}


def test_tickets_answers_and_milestones(session: Session, ids: dict[str, int]) -> None:
    from datetime import UTC, date, datetime

    at = datetime(2026, 6, 8, 3, tzinfo=UTC)
    session.add_all(
        [
            Ticket(
                external_id=f"t{i}",
                account_id=ids["P1"],
                subject=f"s{i}",
                opened_at=at,
                priority="normal",
                status="open",
                escalated=i == 0,
            )
            for i in range(3)
        ]
        + [
            SurveyResponse(
                external_id="r1",
                account_id=ids["P2"],
                kind="nps",
                score=3,
                answered_at=at,
                comment="遅い",
            ),
            SurveyResponse(
                external_id="r2", account_id=ids["P1"], kind="nps", score=10, answered_at=at
            ),
            Milestone(
                external_id="m1",
                account_id=ids["P3"],
                plan="std",
                name="初期設定",
                due_date=date(2026, 6, 1),
            ),
            Milestone(
                external_id="m2",
                account_id=ids["P4"],
                plan="std",
                name="not paying",
                due_date=date(2026, 6, 1),
            ),
        ]
    )
    session.flush()
    escalated = fired(session, {"type": "ticket_escalated"})
    assert list(escalated) == [ids["P1"]]
    assert escalated[ids["P1"]].startswith("ticket:")
    assert fired(session, {"type": "many_tickets", "count": 3, "days": 7}) == {
        ids["P1"]: "2026-W24"
    }
    assert fired(session, {"type": "many_tickets", "count": 4, "days": 7}) == {}
    detractors = fired(session, {"type": "nps_answer", "category": "detractor"})
    assert list(detractors) == [ids["P2"]]
    assert list(fired(session, {"type": "nps_answer", "category": "promoter"})) == [ids["P1"]]
    # Due 06-01, 9 days late: fires with a grace of 7, not of 9 … and never for P4.
    assert list(fired(session, {"type": "milestone_overdue", "grace_days": 7})) == [ids["P3"]]
    assert fired(session, {"type": "milestone_overdue", "grace_days": 9}) == {}


def test_after_the_cool_down_the_next_occurrence_fires(
    session: Session, ids: dict[str, int]
) -> None:
    from datetime import date, timedelta

    from kasasu.models import FeatureSnapshot
    from kasasu.playbooks.execution import claim_plan
    from tests.playbooks.world import FEATURES

    session.add_all(
        Milestone(
            external_id=f"m{i}",
            account_id=ids["P3"],
            plan="std",
            name=f"step {i}",
            due_date=date(2026, 6, 1),
        )
        for i in (1, 2)
    )
    later = DAY + timedelta(days=8)
    session.add(FeatureSnapshot(account_id=ids["P3"], as_of=later, features=FEATURES["P3"]))
    data = {
        "name": "late",
        "title": "t",
        "cooldown_days": 7,
        "trigger": {"type": "milestone_overdue"},
        "actions": [{"type": "task", "title": "x"}],
    }
    save_playbook(session, validate_playbook(data))
    session.flush()
    first = plan_day(session, DAY, CONFIG)
    assert len(first.planned) == 1  # one task a day per account, not one per milestone
    claim_plan(session, first, "en")
    assert plan_day(session, DAY + timedelta(days=3), CONFIG).planned == []  # no features
    (again,) = plan_day(session, later, CONFIG).planned  # cooled down: the other milestone
    assert {first.planned[0].firing.window, again.firing.window} == {
        f"milestone:{m}" for m in session.scalars(select(Milestone.id))
    }


def test_every_trigger_type_has_its_rule_and_words() -> None:
    union = get_args(get_args(Trigger)[0])
    types = {name for model in union for name in get_args(model.model_fields["type"].annotation)}
    assert set(TRIGGERS) == types


@pytest.mark.parametrize(
    ("trigger", "locale", "words"),
    [
        ({"type": "renewal_due", "days": 90}, "en", "Renewal in 90 days"),
        ({"type": "renewal_due", "days": 90}, "ja", "更新の 90 日前"),
        ({"type": "schedule", "every": "week", "day": 1}, "en", "Every week on Monday"),
        ({"type": "schedule", "every": "week", "day": 1}, "ja", "毎週月曜日"),
        ({"type": "usage_dropped"}, "en", "30-day usage trend below −30%"),
        ({"type": "risk_above", "above": 0.4}, "ja", "解約リスクが 40% を超える"),
        ({"type": "score_dropped", "points": 12.5}, "en", "Score drops 12.5 points within 7 days"),
        (
            {"type": "nps_answer", "category": "detractor"},
            "ja",
            "批判者の NPS 回答（7 日以内）",
        ),
        ({"type": "renewal_soon"}, "en", "renewal_soon"),
    ],
)
def test_trigger_words(trigger: dict[str, Any], locale: str, words: str) -> None:
    assert trigger_words(trigger, locale) == words


def test_payment_failed_fires_per_unpaid_invoice(session: Session, ids: dict[str, int]) -> None:
    from datetime import UTC, datetime

    def invoice(ref: str, account: str, failed: datetime | None, **more: Any) -> Invoice:
        status = more.pop("status", "open")
        return Invoice(external_id=ref, account_id=ids[account], status=status, currency="JPY",
                       amount_due=33_000, amount_paid=0, failed_at=failed,
                       issued_at=datetime(2026, 6, 1, tzinfo=UTC), **more)  # fmt: skip

    failed = datetime(2026, 6, 9, 1, tzinfo=UTC)
    session.add_all(
        [
            invoice("in_1", "P1", failed),  # failed, still unpaid: fires
            invoice("in_2", "P2", failed, paid_at=datetime(2026, 6, 9, 5, tzinfo=UTC)),  # paid
            invoice("in_3", "P3", None),  # never failed
            invoice("in_4", "P3", failed, status="void"),  # cancelled: nothing owed
            invoice("in_5", "P4", failed),  # P4 is not paying: not a customer trigger
            # Failed after DAY's end (10 June 24:00 Tokyo = 15:00 UTC): not yet.
            invoice("in_6", "P2", datetime(2026, 6, 10, 15, 30, tzinfo=UTC)),
        ]
    )
    session.flush()
    assert fired(session, {"type": "payment_failed"}) == {ids["P1"]: "invoice:in_1"}
    assert trigger_words({"type": "payment_failed"}, "ja") == "支払いの失敗（未払い）"
