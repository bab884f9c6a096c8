"""Walking the cursor pages of any sort gives every row once, in the sort's order."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
from kasasu.kit.paging import Page
from kasasu.models import Account

KANA = st.none() | st.sampled_from(["ア", "カ", "サ", "タ", "ナ"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kanas=st.lists(KANA, min_size=0, max_size=12),
    limit=st.integers(min_value=1, max_value=5),
    descending=st.booleans(),
)
def test_pages_cover_every_row_once_in_order(
    session: Session, kanas: list[str | None], limit: int, descending: bool
) -> None:
    plan = f"plan-{uuid.uuid4().hex}"  # isolates this example's rows from earlier ones
    repo = AccountRepository(session)
    rows = [
        Account(external_id=f"{plan}-{i}", name=f"n{i}", name_kana=k, plan=plan)
        for i, k in enumerate(kanas)
    ]
    repo.add_all(rows)
    sort = "-name_kana" if descending else "name_kana"
    seen: list[int] = []
    cursor = None
    while True:
        page = repo.list_page({"plan": plan}, sort=sort, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [a.id for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    # Expected order by hand: non-null kana by value (then id), nulls last by id.
    present = sorted(
        (r for r in rows if r.name_kana is not None),
        key=lambda r: (r.name_kana, r.id),
        reverse=descending,
    )
    missing = sorted(
        (r for r in rows if r.name_kana is None), key=lambda r: r.id, reverse=descending
    )
    assert seen == [r.id for r in present + missing]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kanas=st.lists(KANA, min_size=0, max_size=12),
    limit=st.integers(min_value=1, max_value=4),
    descending=st.booleans(),
    by_key=st.booleans(),
)
def test_previous_pages_are_the_pages_walked_forward(
    session: Session, kanas: list[str | None], limit: int, descending: bool, by_key: bool
) -> None:
    """From the last page back to the first, each previous page is the page met there going
    forward; the first has no previous page and the last no next one. ``by_key``: the same
    sort through an expression given by the caller instead of the model's column."""
    plan = f"plan-{uuid.uuid4().hex}"
    repo = AccountRepository(session)
    repo.add_all(
        [
            Account(external_id=f"{plan}-{i}", name=f"n{i}", name_kana=k, plan=plan)
            for i, k in enumerate(kanas)
        ]
    )
    name = "reading" if by_key else "name_kana"
    keys = {"reading": Account.name_kana} if by_key else None
    sort = f"-{name}" if descending else name

    def read(cursor: str | None) -> Page[Account]:
        return repo.list_page({"plan": plan}, sort=sort, cursor=cursor, limit=limit, keys=keys)

    forward = [read(None)]
    assert forward[0].prev_cursor is None
    while forward[-1].next_cursor is not None:
        forward.append(read(forward[-1].next_cursor))
    assert sum(len(p.items) for p in forward) == len(kanas)
    back = forward[-1]
    for expected in reversed(forward[:-1]):
        assert back.prev_cursor is not None
        back = read(back.prev_cursor)
        assert [a.id for a in back.items] == [a.id for a in expected.items]
        assert back.next_cursor is not None
    assert back.prev_cursor is None
