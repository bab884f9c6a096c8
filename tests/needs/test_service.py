"""The needs board on tests/needs/needs_data.py (figures computed there by hand)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.choices import NeedStatus, TaskSource
from kasasu.errors import InvalidInput, NotFound
from kasasu.models import Task
from kasasu.needs.schemas import NeedCreate, StatusChange
from kasasu.needs.service import (
    change_status,
    create_need,
    get_need,
    link_requests,
    need_board,
    unlink_requests,
    unlinked_requests,
)
from tests.needs.needs_data import DAY, add_needs_book

TODAY = date(2026, 2, 10)


def test_needs_are_ranked_by_arr_at_stake_for_their_effort(session: Session) -> None:
    ids = add_needs_book(session)
    board = need_board(session)
    assert board.as_of == DAY
    got = [
        (r.id, r.accounts, r.requests, r.arr, r.at_risk, r.arr_at_risk, r.value_for_effort)
        for r in board.ranked
    ]
    assert got == [
        (ids["N1"], 2, 3, 3_600_000, 1, 1_200_000, 360_000.0),
        (ids["N2"], 2, 2, 600_000, 1, 600_000, 300_000.0),
        (ids["N3"], 3, 3, 4_200_000, 2, 1_800_000, 105_000.0),
    ]
    assert [(r.id, r.arr, r.value_for_effort) for r in board.not_estimated] == [
        (ids["N4"], 2_400_000, None),
        (ids["N5"], 0, None),
    ]


def test_the_board_filters_by_status(session: Session) -> None:
    ids = add_needs_book(session)
    change = StatusChange(status=NeedStatus.PLANNED)
    change_status(session, ids["N3"], change, user_id=None, today=TODAY, default_locale="en")
    board = need_board(session, [NeedStatus.PLANNED])
    assert [r.id for r in board.ranked] == [ids["N3"]]
    assert board.not_estimated == []


def _tasks(session: Session) -> list[tuple[int | None, int | None, str]]:
    rows = session.scalars(select(Task).where(Task.source == TaskSource.NEED).order_by(Task.id))
    return [(t.account_id, t.owner_id, t.title) for t in rows]


def test_shipping_tells_each_asking_account_once_in_its_owners_language(
    session: Session,
) -> None:
    ids = add_needs_book(session)
    ship = StatusChange(status=NeedStatus.SHIPPED, note="v2.3")
    done = change_status(
        session, ids["N1"], ship, user_id=ids["Aoki"], today=TODAY, default_locale="en"
    )
    assert done is not None
    assert done.tasks_created == 2
    assert _tasks(session) == [
        (ids["A1"], ids["Aoki"], "株式会社A1 に「Slack通知」のリリースを伝える"),
        (ids["A3"], ids["Aoki"], "株式会社A3 に「Slack通知」のリリースを伝える"),
    ]
    # Saving the same status again changes nothing and creates nothing.
    again = change_status(session, ids["N1"], ship, user_id=None, today=TODAY, default_locale="en")
    assert again is None
    assert len(_tasks(session)) == 2
    history = get_need(session, ids["N1"]).history
    assert [(h.from_status, h.to_status, h.tasks_created) for h in history] == [
        (NeedStatus.NEW, NeedStatus.SHIPPED, 2)
    ]
    assert history[0].changed_by == "Aoki"


def test_declining_tells_owners_and_accounts_without_owner_get_an_unowned_task(
    session: Session,
) -> None:
    ids = add_needs_book(session)
    decline = StatusChange(status=NeedStatus.DECLINED)
    change_status(session, ids["N2"], decline, user_id=None, today=TODAY, default_locale="en")
    assert _tasks(session) == [
        (ids["A2"], ids["Brown"], 'Tell 株式会社A2 that "PDF出力" was declined'),
        (ids["A4"], None, 'Tell 株式会社A4 that "PDF出力" was declined'),
    ]
    task = session.scalars(select(Task).where(Task.account_id == ids["A2"])).one()
    assert task.due_date == date(2026, 2, 17)
    # Planned, then shipped: a second closing change tells them again, once.
    for status in (NeedStatus.PLANNED, NeedStatus.SHIPPED, NeedStatus.SHIPPED):
        change_status(
            session,
            ids["N2"],
            StatusChange(status=status),
            user_id=None,
            today=TODAY,
            default_locale="en",
        )
    assert len(_tasks(session)) == 4


def test_requests_link_unlink_and_make_a_need(session: Session) -> None:
    ids = add_needs_book(session)
    assert [r.id for r in unlinked_requests(session)] == [ids["lone"]]
    link_requests(session, ids["N4"], [ids["lone"]])
    detail = get_need(session, ids["N4"])
    assert [(a.name, a.requests, a.arr, a.band) for a in detail.accounts] == [
        ("株式会社A3", 1, 2_400_000, "green"),
        ("株式会社A2", 1, 600_000, "yellow"),
    ]
    assert detail.row.at_risk == 1
    unlink_requests(session, ids["N4"], [ids["lone"]])
    assert get_need(session, ids["N4"]).row.accounts == 1
    made = create_need(session, NeedCreate(title="多言語", effort_days=5, requests=[ids["lone"]]))
    assert made.status is NeedStatus.NEW
    row = get_need(session, made.id).row
    assert (row.accounts, row.arr, row.value_for_effort) == (1, 600_000, 120_000.0)
    with pytest.raises(InvalidInput):
        link_requests(session, ids["N4"], [999_999])
    with pytest.raises(NotFound):
        get_need(session, 999_999)
