"""Usage events as Arrow tables, and the calendar they are laid on."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from kasasu.demo.company import make_accounts, make_contacts
from kasasu.demo.contracts import simulate_contracts
from kasasu.demo.timeline import Calendar, add_months, next_april_first
from kasasu.demo.usage import EVENT_SCHEMA, plan_usage, usage_tables
from kasasu.events.schemas import BATCH_SCHEMA

AS_OF = date(2025, 11, 23)


def _tables(chunk_events: int) -> list[pa.Table]:
    cal = Calendar.ending(AS_OF, 4, "Asia/Tokyo")
    accounts = make_accounts(3, cal, 25, 1)
    make_contacts(3, cal, accounts, 1)
    simulate_contracts(3, cal, accounts)
    return list(usage_tables(3, cal, plan_usage(3, cal, accounts), chunk_events))


def test_chunks_have_the_event_store_columns_and_bounded_size() -> None:
    tables = _tables(chunk_events=2_000)
    assert len(tables) > 3
    whole = pa.concat_tables(tables)
    assert EVENT_SCHEMA.names == BATCH_SCHEMA.names
    assert whole.schema.equals(EVENT_SCHEMA)
    assert max(t.num_rows for t in tables) < 4_000  # one account-month may overshoot
    ids = whole.column("event_id").to_pylist()
    assert ids[0] == "ev-000000001"
    assert len(set(ids)) == len(ids)
    assert pc.all(pc.starts_with(whole.column("user_id"), "ACC-")).as_py()
    assert whole.column("value").null_count > 0
    assert whole.column("properties").null_count > 0


def test_the_calendar_ends_before_as_of_and_renews_in_april() -> None:
    cal = Calendar.ending(AS_OF, 24, "Asia/Tokyo")
    assert cal.start == date(2023, 12, 1)
    assert cal.month_starts()[-1] == date(2025, 11, 1)
    assert Calendar.ending(date(2025, 12, 1), 1, "Asia/Tokyo").start == date(2025, 11, 1)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert next_april_first(date(2025, 2, 10)) == date(2026, 4, 1)
    assert next_april_first(date(2024, 10, 1)) == date(2025, 4, 1)
