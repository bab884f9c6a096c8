"""Touch-model history per account and CSM workload per touch model (touch_data.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import TouchModel
from kasasu.health.snapshots import TouchChange, latest_refresh_day, touch_history
from kasasu.models import HealthScore
from kasasu.workspace.workload import WorkloadCell, csm_workload
from tests.health.touch_data import BEFORE, DAY, TODAY, add_workload_book, snapshot


def test_touch_history_keeps_the_first_day_and_each_change(session: Session) -> None:
    ids = add_workload_book(session)
    assert touch_history(session, ids["W4"]) == [
        TouchChange(DAY, TouchModel.TECH),
        TouchChange(BEFORE, TouchModel.HIGH),
    ]
    later = [DAY + timedelta(days=7 * n) for n in (1, 2, 3)]
    for day, touch in zip(later, [TouchModel.TECH, None, None], strict=True):
        snapshot(session, day, ids["W4"], touch, 0)
    assert touch_history(session, ids["W4"])[:2] == [
        TouchChange(later[1], None),
        TouchChange(DAY, TouchModel.TECH),
    ]
    assert touch_history(session, ids["W3"]) == []  # never scored
    assert latest_refresh_day(session) == later[2]


def test_workload_per_owner_and_touch_model(session: Session) -> None:
    ids = add_workload_book(session)
    workload = csm_workload(session, TODAY)
    assert workload.as_of == DAY
    assert [(o.owner_id, o.name) for o in workload.owners] == [
        (ids["Aoki"], "Aoki"),
        (ids["Baba"], "Baba"),
        (None, ""),
    ]
    aoki, baba, nobody = workload.owners
    assert aoki.cells == {
        "high": WorkloadCell(accounts=1, mrr=400_000, open_tasks=2, overdue_tasks=1),
        "low": WorkloadCell(accounts=1, mrr=30_000, open_tasks=1, overdue_tasks=0),
        "tech": WorkloadCell(),
        "none": WorkloadCell(accounts=1, mrr=0),
    }
    assert aoki.total == WorkloadCell(accounts=3, mrr=430_000, open_tasks=3, overdue_tasks=1)
    assert baba.cells["tech"] == WorkloadCell(accounts=1, mrr=12_000, open_tasks=1)
    assert baba.total.accounts == 1
    assert nobody.cells["high"] == WorkloadCell(accounts=1, mrr=500_000)


def test_workload_before_any_refresh_counts_touch_models_set_by_hand(session: Session) -> None:
    ids = add_workload_book(session)
    session.query(HealthScore).delete()
    workload = csm_workload(session, TODAY)
    assert workload.as_of is None
    aoki = next(o for o in workload.owners if o.owner_id == ids["Aoki"])
    assert aoki.cells["low"] == WorkloadCell(accounts=1, mrr=0, open_tasks=1)
    assert aoki.cells["none"].accounts == 2
