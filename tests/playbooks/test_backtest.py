"""The backtest on a three-day history computed by hand (world.py plus two refreshes).

BEFORE: P1, P2, P3 paying (P1 yellow, P2 green, P3 red) · DAY: P1 turns red ·
END (DAY + 7): P1 no longer pays (no features), P2 and P3 do.
Replayed: BEFORE and DAY (END is the outcome).
- red: fires for P1 on DAY (on BEFORE there is no earlier band) → reached 1, churned 1;
- daily: all three on both days → reached 3, churned 1;
- base: 3 paying on BEFORE, 1 of them gone on END.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.models import FeatureSnapshot, HealthScore
from kasasu.playbooks.definitions import validate_playbook
from kasasu.playbooks.service import backtest_playbooks, save_playbook
from tests.playbooks.world import BEFORE, DAY, FEATURES, build_world

END = DAY + timedelta(days=7)


def _history(session: Session) -> dict[str, int]:
    ids = build_world(session)
    version = session.scalars(select(HealthScore.scorecard_version_id)).first()
    for name in ("P1", "P2", "P3"):
        session.add(FeatureSnapshot(account_id=ids[name], as_of=BEFORE, features=FEATURES[name]))
    for name in ("P2", "P3"):
        session.add(FeatureSnapshot(account_id=ids[name], as_of=END, features=FEATURES[name]))
        session.add(
            HealthScore(
                account_id=ids[name],
                as_of=END,
                scorecard_version_id=version,
                score=80.0,
                band="green",
                measures=[],
            )
        )
    for name, trigger in (
        ("red", {"type": "band_changed", "to": "red"}),
        ("daily", {"type": "schedule", "every": "day"}),
    ):
        save_playbook(
            session,
            validate_playbook(
                {
                    "name": name,
                    "title": name,
                    "trigger": trigger,
                    "cooldown_days": 0,
                    "actions": [{"type": "task", "title": "x"}],
                }
            ),
        )
    session.flush()
    return ids


def test_reached_and_churned_after(session: Session) -> None:
    _history(session)
    ticks: list[tuple[int, int]] = []
    report = backtest_playbooks(
        session, END, 30, "Asia/Tokyo", tick=lambda done, total: ticks.append((done, total))
    )
    assert (report.first, report.last, report.days) == (BEFORE, END, 2)
    assert ticks == [(0, 2), (1, 2)]  # the progress bar sees each replayed day
    assert (report.paying, report.churned) == (3, 1)
    assert {r.name: (r.reached, r.churned) for r in report.playbooks} == {
        "daily": (3, 1),
        "red": (1, 1),
    }
    by_name = {r.name: r for r in report.playbooks}
    assert by_name["red"].churn_rate == 1.0
    assert report.base_rate == pytest.approx(1 / 3)


def test_only_one_playbook_and_too_little_history(session: Session) -> None:
    _history(session)
    report = backtest_playbooks(session, END, 30, "Asia/Tokyo", only=["red"])
    assert [r.name for r in report.playbooks] == ["red"]
    with pytest.raises(InvalidInput):
        backtest_playbooks(session, BEFORE, 30, "Asia/Tokyo")
