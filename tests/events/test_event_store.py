"""The usage event store on a real DuckDB file: dedup, file formats, time zones, bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasasu.errors import InvalidInput, Unavailable
from kasasu.events import repository
from kasasu.events.schemas import BATCH_SCHEMA, EventIn
from kasasu.events.service import (
    append_events,
    count_events,
    count_events_by_account,
    ingest_batch,
    ingest_file,
    list_events,
)
from kasasu.kit.held_files import let_go

JST = timezone(timedelta(hours=9))


def event(**fields: object) -> EventIn:
    values: dict[str, object] = {
        "account_id": "ACME",
        "event": "login",
        "timestamp": datetime(2026, 11, 22, 10, 30, tzinfo=JST),
    }
    return EventIn.model_validate(values | fields)


def stored(db: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = list_events(db).to_pylist()
    return rows


def test_a_batch_is_stored_with_utc_timestamps(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    result = ingest_batch(db, [event(event_id="e1", user_id="u1", value=2.5, properties={"a": 1})])
    assert (result.received, result.inserted, result.duplicates) == (1, 1, 0)
    [row] = stored(db)
    assert row["event_id"] == "e1"
    assert row["account_external_id"] == "ACME"
    assert row["occurred_at"] == datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
    assert row["value"] == 2.5
    assert json.loads(str(row["properties"])) == {"a": 1}


def test_resending_an_id_never_counts_twice(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, [event(event_id="e1"), event(event_id="e2")])
    again = ingest_batch(db, [event(event_id="e2"), event(event_id="e3"), event(event_id="e3")])
    assert (again.received, again.inserted, again.duplicates) == (3, 1, 2)
    assert count_events(db) == 3


def test_events_without_id_get_one_from_their_fields(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    first = ingest_batch(db, [event(), event(properties={"feature": "a"})])
    # Same instant written in another offset, same properties: the same event.
    same = event(timestamp=datetime(2026, 11, 22, 1, 30, tzinfo=UTC), properties={"feature": "a"})
    again = ingest_batch(db, [event(), same, event(properties={"feature": "b"})])
    assert first.inserted == 2
    assert (again.inserted, again.duplicates) == (1, 2)
    assert all(len(str(row["event_id"])) == 64 for row in stored(db))


def test_a_file_and_the_api_derive_the_same_id(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, [event(user_id="u1", value=3.0, properties={"k": [1, 2]})])
    file = tmp_path / "same.jsonl"
    line = {
        "account_id": "ACME",
        "user_id": "u1",
        "event": "login",
        "timestamp": "2026-11-22T01:30:00Z",
        "value": 3,
        "properties": {"k": [1, 2]},
    }
    file.write_text(json.dumps(line, indent=None) + "\n")
    result = ingest_file(db, file, "Asia/Tokyo")
    assert (result.received, result.inserted) == (1, 0)


# (event_id or None, minute): equal pairs without an id are the same event.
ROWS = st.lists(
    st.tuples(st.sampled_from([None, "a", "b", "c", "d"]), st.integers(0, 3)), max_size=30
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_ingesting_any_batch_twice_counts_as_once(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str | None, int]]
) -> None:
    db = tmp_path_factory.mktemp("h") / "events.duckdb"
    base = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [event(event_id=i, timestamp=base + timedelta(minutes=m)) for i, m in rows]
    expected = len({("id", i) if i else ("t", m) for i, m in rows})
    first = ingest_batch(db, batch)
    second = ingest_batch(db, batch)
    assert first.inserted == expected == count_events(db)
    assert (second.inserted, second.duplicates) == (0, len(batch))


def demo_table(n: int) -> pa.Table:
    return pa.table(
        {
            "event_id": [f"d{i}" for i in range(n)],
            "account_external_id": ["A" if i % 3 else "B" for i in range(n)],
            "user_id": [f"u{i}" for i in range(n)],
            "event_name": ["login"] * n,
            "occurred_at": pa.array(
                [datetime(2026, 1, 1, tzinfo=UTC)] * n, pa.timestamp("us", tz="UTC")
            ),
            "value": pa.array([None] * n, pa.float64()),
            "properties": pa.array([None] * n, pa.string()),
        }
    )


def test_append_events_takes_the_demo_generators_table(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    assert append_events(db, demo_table(6)) == 6
    assert append_events(db, demo_table(7)) == 1
    counts = {c.account_external_id: c.events for c in count_events_by_account(db)}
    assert counts == {"A": 4, "B": 3}  # ids 1,2,4,5 -> A; 0,3,6 -> B


def test_append_events_names_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        append_events(tmp_path / "e.duckdb", demo_table(1).drop_columns(["event_name"]))
    assert [e.loc for e in info.value.errors] == [("event_name",)]
    assert BATCH_SCHEMA.names[3] == "event_name"


CSV = (
    "event_id,account_id,user_id,event,timestamp,value,properties\n"
    'c1,007,u1,login,2026-11-22 10:30,1.5,"{""plan"": ""pro""}"\n'
    "c2,007,,export,2026-11-22T10:30:00+00:00,,\n"
    "c3,ACME,u2,login,2026-11-22T10:30:00Z,,\n"
)


def test_csv_naive_times_are_in_the_given_zone(tmp_path: Path) -> None:
    db, file = tmp_path / "events.duckdb", tmp_path / "events.csv"
    file.write_text(CSV)
    result = ingest_file(db, file, "Asia/Tokyo")
    assert (result.received, result.inserted) == (3, 3)
    rows = {r["event_id"]: r for r in stored(db)}
    assert rows["c1"]["occurred_at"] == datetime(2026, 11, 22, 1, 30, tzinfo=UTC)  # 10:30 JST
    assert rows["c2"]["occurred_at"] == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    assert rows["c3"]["occurred_at"] == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    assert rows["c1"]["account_external_id"] == "007"  # text stays text
    assert json.loads(str(rows["c1"]["properties"])) == {"plan": "pro"}
    assert rows["c2"]["user_id"] is None
    assert rows["c2"]["properties"] == "{}"
    ingest_file(db, file, "UTC")
    assert count_events(db) == 3


def test_the_same_naive_time_in_another_zone(tmp_path: Path) -> None:
    db, file = tmp_path / "events.duckdb", tmp_path / "events.csv"
    file.write_text("account_id,event,timestamp\nA,login,2026-07-01 09:00:00\n")
    ingest_file(db, file, "America/New_York")
    assert stored(db)[0]["occurred_at"] == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # EDT -4


def test_jsonl_with_store_column_names(tmp_path: Path) -> None:
    db, file = tmp_path / "events.duckdb", tmp_path / "events.ndjson"
    lines = [
        {"account_external_id": "A", "event_name": "x", "occurred_at": "2026-01-01T00:00:00+09:00"},
        {"account_id": "B", "event": "y", "timestamp": "2026-01-01T00:00:00Z", "properties": {}},
    ]
    file.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert ingest_file(db, file, "UTC").inserted == 2
    times = sorted(r["occurred_at"] for r in stored(db))
    assert times == [datetime(2025, 12, 31, 15, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)]


def test_parquet_with_naive_and_aware_timestamps(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    naive, aware = tmp_path / "naive.parquet", tmp_path / "aware.parquet"
    base = {"account_id": ["A"], "event": ["login"], "properties": [None]}
    pq.write_table(pa.table(base | {"timestamp": [datetime(2026, 1, 1, 9)]}), naive)
    pq.write_table(pa.table(base | {"timestamp": [datetime(2026, 1, 1, 9, tzinfo=UTC)]}), aware)
    ingest_file(db, naive, "Asia/Tokyo")
    ingest_file(db, aware, "Asia/Tokyo")
    times = sorted(r["occurred_at"] for r in stored(db))
    assert times == [datetime(2026, 1, 1, 0, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC)]


def test_progress_ends_at_one_hundred(tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    file.write_text(CSV)
    seen: list[tuple[int, int]] = []
    ingest_file(tmp_path / "e.duckdb", file, "UTC", lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 100)
    assert seen[-1] == (100, 100)


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("A,login,yesterday,,", "timestamp", "Not a timestamp"),
        (",login,2026-01-01,,", "account_id", "A value is required"),
        ("A,login,2026-01-01,many,", "value", "Not a number"),
        ('A,login,2026-01-01,,"[1, 2]"', "properties", "Not a JSON object"),
        ("A,login,2026-01-01,,{oops", "properties", "Not a JSON object"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(
    tmp_path: Path, line: str, column: str, reason: str
) -> None:
    db, file = tmp_path / "events.duckdb", tmp_path / "events.csv"
    header = "account_id,event,timestamp,value,properties\n"
    file.write_text(header + "A,login,2026-01-01,,\n" + line + "\n")
    with pytest.raises(InvalidInput) as info:
        ingest_file(db, file, "UTC")
    [error] = info.value.errors
    assert error.loc == (3, column)  # header is row 1 as in a spreadsheet
    assert str(error.message).startswith(reason)
    assert "row 3" in str(info.value)
    assert count_events(db) == 0


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    file.write_text("account_id,timestamp\nA,2026-01-01\n")
    with pytest.raises(InvalidInput, match="event / event_name"):
        ingest_file(tmp_path / "e.duckdb", file, "UTC")


def test_broken_json_lines_and_unknown_suffixes(tmp_path: Path) -> None:
    file = tmp_path / "events.jsonl"
    file.write_text('{"account_id": "A"}\nnot json\n')
    with pytest.raises(InvalidInput, match=r"Cannot read events\.jsonl"):
        ingest_file(tmp_path / "e.duckdb", file, "UTC")
    with pytest.raises(InvalidInput, match=r"\.xlsx"):
        ingest_file(tmp_path / "e.duckdb", tmp_path / "events.xlsx", "UTC")
    with pytest.raises(InvalidInput, match="No such file"):
        ingest_file(tmp_path / "e.duckdb", tmp_path / "absent.csv", "UTC")


def test_a_store_locked_by_another_process_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, [event(event_id="e1")])
    let_go(db)  # as after a moment without batches
    code = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True)"
    with subprocess.Popen(
        [sys.executable, "-c", code + "; time.sleep(30)"], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            monkeypatch.setattr(repository, "LOCK_WAIT_SECONDS", 0.3)
            with pytest.raises(Unavailable, match="in use by another Kasasu process"):
                ingest_batch(db, [event(event_id="e2")])
        finally:
            holder.kill()
    assert ingest_batch(db, [event(event_id="e2")]).inserted == 1


def test_a_store_this_process_reads_elsewhere_is_unavailable_then_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "events.duckdb"
    ingest_batch(db, [event(event_id="e1")])
    monkeypatch.setattr(repository, "LOCK_WAIT_SECONDS", 0.3)
    # As the analytics do (warehouse.backends): the file attached read-only to another
    # DuckDB of the same process. A write waits for it, then is a 503, not an error.
    with duckdb.connect(":memory:") as analytics:
        let_go(db)  # the writer ingest_batch keeps open for the next batches
        analytics.execute(f"ATTACH '{db}' AS events (READ_ONLY)")
        with pytest.raises(Unavailable, match="in use"):
            ingest_batch(db, [event(event_id="e2")])
    assert ingest_batch(db, [event(event_id="e2")]).inserted == 1
