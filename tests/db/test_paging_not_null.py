"""Pages sorted by a NOT NULL column (issue 21): no NULL key in the order, so the database
reads the column's index in order; the pages are the same rows, once, both ways."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
from kasasu.kit.paging import Page
from kasasu.models import Account


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=0, max_size=10),
    limit=st.integers(min_value=1, max_value=4),
    descending=st.booleans(),
)
def test_pages_by_name_walk_every_row_once_forward_and_back(
    session: Session, names: list[str], limit: int, descending: bool
) -> None:
    plan = f"plan-{uuid.uuid4().hex}"
    repo = AccountRepository(session)
    rows = [Account(external_id=f"{plan}-{i}", name=n, plan=plan) for i, n in enumerate(names)]
    repo.add_all(rows)

    def read(cursor: str | None) -> Page[Account]:
        sort = "-name" if descending else "name"
        return repo.list_page({"plan": plan}, sort=sort, cursor=cursor, limit=limit)

    forward = [read(None)]
    while forward[-1].next_cursor is not None:
        forward.append(read(forward[-1].next_cursor))
    seen = [a.id for page in forward for a in page.items]
    # By hand: by name, then id; both reversed for a descending sort.
    ordered = sorted(rows, key=lambda r: (r.name, r.id), reverse=descending)
    assert seen == [r.id for r in ordered]
    back = forward[-1]
    for expected in reversed(forward[:-1]):
        assert back.prev_cursor is not None
        back = read(back.prev_cursor)
        assert [a.id for a in back.items] == [a.id for a in expected.items]
    assert back.prev_cursor is None


def test_only_a_nullable_sort_column_orders_by_its_nulls(session: Session) -> None:
    statements: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        AccountRepository(session).list_page({}, sort="name", limit=5)
        AccountRepository(session).list_page({}, sort="name_kana", limit=5)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    by_name, by_kana = (s for s in statements if "ORDER BY" in s)
    assert "IS NULL" not in by_name.split("ORDER BY")[1]
    assert "IS NULL" in by_kana.split("ORDER BY")[1]
