"""Lists and bulk upserts cost a fixed number of queries, not one per row (no N+1)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from tests.support.queries import counted


def _list_queries(api: TestClient, connection: Connection) -> int:
    api.get("/accounts", params={"limit": 200})  # warm: the key's last_used_at is written once
    with counted(connection) as statements:
        assert api.get("/accounts", params={"limit": 200}).status_code == 200
    return len(statements)


def test_listing_costs_the_same_for_5_or_60_rows(
    admin_api: TestClient, connection: Connection
) -> None:
    for i in range(5):
        admin_api.post("/accounts", json={"name": f"a{i}"})
    few = _list_queries(admin_api, connection)
    for i in range(55):
        admin_api.post("/accounts", json={"name": f"b{i}"})
    assert _list_queries(admin_api, connection) == few
    assert few <= 2  # the key, the page


def _upsert_queries(session: Session, connection: Connection, count: int) -> int:
    rows = [{"external_id": f"ACC-{i:05d}", "name": f"会社{i}"} for i in range(count)]
    accounts.upsert_many(session, rows)
    session.expunge_all()  # as in a new import: nothing cached from the first one
    with counted(connection) as statements:
        result = accounts.upsert_many(session, rows)
    assert result.unchanged == count
    return len(statements)


@pytest.mark.slow  # upserts thousands of rows twice
def test_upserting_again_needs_one_query_per_chunk_not_per_row(
    session: Session, connection: Connection
) -> None:
    assert _upsert_queries(session, connection, 10) == _upsert_queries(session, connection, 800)
